"""One class event on its way to this process's listeners.

It carries the domain event itself; each transport asks for its own encoding, which is made
at most once per broadcast and then reused for every listener of that transport (as Phoenix
encodes a broadcast once per serializer): one /ws frame serves every /ws socket.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from headcount.domain.audience import Reach
from headcount.domain.events import ClassEvent

T = TypeVar("T")
# A transport's encoding of a class event (None, say, when that transport does not carry it).
Codec = Callable[[ClassEvent], T]


class Broadcast:
    __slots__ = ("_encodings", "event", "reach")

    def __init__(self, event: ClassEvent, reach: Reach) -> None:
        self.event = event
        self.reach = reach
        self._encodings: dict[Codec[Any], Any] = {}

    def encoded(self, codec: Codec[T]) -> T:
        try:
            found: T = self._encodings[codec]
        except KeyError:
            found = self._encodings[codec] = codec(self.event)
        return found
