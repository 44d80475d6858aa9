"""A per-process memory of answers that stay true until a known moment.

Bounded by starting over when full: the entries are cheap to recompute, and a full memory
means a burst of distinct keys (tokens, accounts) that an LRU would not serve better.
"""

from __future__ import annotations

from typing import Generic, TypeVar

K = TypeVar("K")
V = TypeVar("V")


class Memo(Generic[K, V]):
    def __init__(self, limit: int) -> None:
        self.limit = limit
        self._entries: dict[K, tuple[float, V]] = {}

    def get(self, key: K, now: float) -> V | None:
        """The value remembered for `key`, unless it was only true until `now` or earlier."""
        entry = self._entries.get(key)
        return entry[1] if entry is not None and entry[0] > now else None

    def drop(self, key: K) -> None:
        self._entries.pop(key, None)

    def put(self, key: K, value: V, until: float) -> None:
        if len(self._entries) >= self.limit:
            self._entries.clear()
        self._entries[key] = (until, value)
