"""The per-process memo: entries expire, and a load that raced a drop is not remembered."""

from __future__ import annotations

from headcount.memo import Memo


def test_a_value_is_remembered_until_its_moment() -> None:
    memo: Memo[str, int] = Memo(10)
    memo.put("a", 1, until=10.0, since=memo.generation)
    assert memo.get("a", 9.9) == 1
    assert memo.get("a", 10.0) is None


def test_a_dropped_value_is_forgotten() -> None:
    memo: Memo[str, int] = Memo(10)
    memo.put("a", 1, until=10.0, since=memo.generation)
    memo.drop("a")
    assert memo.get("a", 0.0) is None


def test_a_load_that_began_before_a_drop_is_not_remembered() -> None:
    memo: Memo[str, int] = Memo(10)
    since = memo.generation  # a reader starts loading "a"
    memo.drop("a")  # the bus says "a" changed while it loads
    memo.put("a", 1, until=10.0, since=since)  # what it loaded may predate the change
    assert memo.get("a", 0.0) is None
    memo.put("a", 2, until=10.0, since=memo.generation)  # a load begun after is kept
    assert memo.get("a", 0.0) == 2


def test_a_drop_of_another_key_also_stops_a_racing_load() -> None:
    memo: Memo[str, int] = Memo(10)
    since = memo.generation
    memo.drop("b")
    memo.put("a", 1, until=10.0, since=since)
    assert memo.get("a", 0.0) is None


def test_a_full_memo_starts_over() -> None:
    memo: Memo[int, int] = Memo(2)
    for key in range(3):
        memo.put(key, key, until=10.0, since=memo.generation)
    assert [memo.get(key, 0.0) for key in range(3)] == [None, None, 2]
