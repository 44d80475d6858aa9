"""What a client is counted under, and the default cap (the caps themselves are driven against
a real server in tests/contract/test_connection_limits.py)."""

from __future__ import annotations

import resource

import pytest

from headcount.http.connections import address_of, default_total


@pytest.mark.parametrize(
    ("peer", "key"),
    [
        (("203.0.113.7", 50000), "203.0.113.7"),
        (("::ffff:203.0.113.7", 50000), "203.0.113.7"),
        (("2001:db8:1:2:aaaa::1", 50000), "2001:db8:1:2::/64"),
        (("2001:db8:1:2:ffff:ffff:ffff:ffff", 50000), "2001:db8:1:2::/64"),
        (("fe80::1%eth0", 50000), "fe80::/64"),
        (None, "local"),
    ],
)
def test_a_client_is_counted_by_its_ipv4_address_or_its_ipv6_64(
    peer: tuple[str, int] | None, key: str
) -> None:
    assert address_of(peer) == key


def test_the_default_total_leaves_a_tenth_of_the_open_file_limit() -> None:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert default_total() == int(soft * 0.9)
