"""The envelopes as OpenAPI sees them. Routes return ready responses, so these only document."""

from __future__ import annotations

from typing import Any, Generic, Literal, TypeVar

from pydantic import BaseModel

T = TypeVar("T")

DESCRIPTIONS = {
    400: "Invalid request schema, or a rule of the request refused",
    401: "Unauthorized, token missing or invalid",
    403: "Forbidden: wrong role, or not this class's teacher or student",
    404: "Not found",
    409: "Conflict: no active attendance session, class archived, session in progress",
    413: "Request body too large",
    429: "Too many requests (Retry-After says when to try again)",
    503: "Service unavailable",
}


class Success(BaseModel, Generic[T]):
    success: Literal[True] = True
    data: T


class Failure(BaseModel):
    success: Literal[False] = False
    error: str


def failures(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The failure envelope for each status a route can answer with (503 always)."""
    return {
        status: {"model": Failure, "description": DESCRIPTIONS[status]}
        for status in (*statuses, 503)
    }


class Problem(BaseModel):
    file: str
    line: int | None
    column: str | None
    message: str


class RosterFailure(Failure):
    """`Invalid roster file`, with every problem found (docs/roster-import.md)."""

    errors: list[Problem]
