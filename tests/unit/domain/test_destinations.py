"""domain/destinations.py: which webhook URLs are refused."""

from __future__ import annotations

import pytest

from headcount.domain import destinations
from headcount.domain.errors import DomainError

REFUSED_ALWAYS = (
    "ftp://example.org/",
    "example.org",
    "http://",
    "javascript:alert(1)",
    "http://[::1",
)
INWARD = (
    "http://127.0.0.1/",
    "http://localhost:8080/x",
    "http://10.0.0.1/",
    "http://192.168.1.1/",
    "http://172.16.0.1/",
    "http://169.254.169.254/latest",
    "http://[::1]/",
    "http://[fe80::1]/",
    "http://100.64.0.1/",
    "http://0.0.0.0/",
)


@pytest.mark.parametrize("url", REFUSED_ALWAYS)
@pytest.mark.parametrize("allow_private", [True, False])
async def test_only_http_urls_with_a_host(url: str, allow_private: bool) -> None:
    with pytest.raises(DomainError, match="Webhook URL not allowed"):
        await destinations.check(url, allow_private)


@pytest.mark.parametrize("url", INWARD)
async def test_inward_addresses_only_when_allowed(url: str) -> None:
    with pytest.raises(DomainError, match="Webhook URL not allowed"):
        await destinations.check(url, False)
    await destinations.check(url, True)


async def test_a_public_address_is_allowed() -> None:
    await destinations.check("https://93.184.215.14/hook", False)
