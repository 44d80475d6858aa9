"""A per-process memory of answers that stay true until a known moment, or until told otherwise.

Bounded by starting over when full: the entries are cheap to recompute, and a full memory
means a burst of distinct keys (tokens, accounts) that an LRU would not serve better.

A reader that loads an answer from the database first notes the `generation`, and hands it to
`put`: if anything was dropped meanwhile, the answer it loaded may predate that change, so it
is served to that one reader but not remembered for the next.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.generation = 0  # how many drops so far: a load that spans one is not kept
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K, now: float) -> V | None:
        """The value remembered for `key`, unless it was only true until `now` or earlier."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > now else None

    def drop(self, key: K) -> None:
        self.generation += 1
        self._entries.pop(key, None)

    def put(self, key: K, value: V, until: float, since: int) -> None:
        """Remember `value`, loaded when the generation was `since`, unless a drop followed."""
        if since != self.generation:
            return
        if len(self._entries) >= self.limit:
            self._entries.clear()
        self._entries[key] = (until, value)
