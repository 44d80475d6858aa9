"""The bus's encoding of domain events: neutral JSON that every process decodes back into
the same event, whatever transports it serves.

An event travels as its type's name and its fields; fields typed as UUIDs or datetimes are
rebuilt from their text on the way in.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import datetime
from types import NoneType, UnionType
from typing import Any, get_args, get_type_hints

import orjson

from headcount.domain import events
from headcount.domain.events import Event

Convert = Callable[[Any], Any]


def _converter(hint: Any) -> Convert | None:
    if hint is uuid.UUID:
        return uuid.UUID
    if hint is datetime:
        return datetime.fromisoformat
    if isinstance(hint, UnionType) and NoneType in get_args(hint):
        (inner,) = (arg for arg in get_args(hint) if arg is not NoneType)
        convert = _converter(inner)
        return None if convert is None else (lambda v: None if v is None else convert(v))
    return None


def _fields(kind: type[Any]) -> tuple[tuple[str, Convert | None], ...]:
    hints = get_type_hints(kind, vars(events))
    return tuple((f.name, _converter(hints[f.name])) for f in dataclasses.fields(kind))


KINDS: dict[str, tuple[type[Any], tuple[tuple[str, Convert | None], ...]]] = {
    kind.__name__: (kind, _fields(kind)) for kind in get_args(Event)
}


class WireError(ValueError):
    """Bytes on the bus that are not an event this version knows."""


def _other(value: object) -> str:
    # asyncpg hands back its own subclass of UUID, which orjson does not take as one.
    if isinstance(value, uuid.UUID):
        return str(value)
    raise TypeError(f"{type(value).__name__} cannot travel on the bus")


def encode(event: Event) -> bytes:
    return orjson.dumps({"k": type(event).__name__, "e": event}, default=_other)


def decode(raw: bytes) -> Event:
    """The event `raw` encodes, or WireError."""
    try:
        body = orjson.loads(raw)
        kind, fields = KINDS[body["k"]]
        values = body["e"]
        arguments = {
            name: values[name] if convert is None else convert(values[name])
            for name, convert in fields
        }
        event: Event = kind(**arguments)
    except (orjson.JSONDecodeError, KeyError, TypeError, ValueError) as exc:
        raise WireError(str(exc)) from exc
    return event
