"""Who holds this process's connections: a count per client address and in all, and a small
reserve of slots kept for health checks.

A connection takes a slot when it is accepted and gives it back when it closes (for a
WebSocket, when the socket closes). Past either cap it gets one of `RESERVE` reserve slots,
which may only ask `/healthz` or `/readyz`: a load balancer or a monitor can still tell the
process is alive while someone holds every other slot. A reserve slot whose request head has
not arrived yet is taken back for a newcomer when the reserve is full, so connections that say
nothing cannot keep the health checks out; only when every reserve slot is answering a health
check is a connection refused at once.
"""

from __future__ import annotations

import ipaddress
import math
import resource
import time
from dataclasses import dataclass, field
from typing import Protocol

import structlog

log = structlog.get_logger(__name__)

RESERVE = 16
# Of the open-file limit, what connections may use by default: the rest is for the database
# and Redis pools, log files, the listening socket and the reserve.
DEFAULT_SHARE = 0.9
LOG_EVERY_SECONDS = 60.0


def default_total() -> int:
    soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY:
        return 1_000_000
    return max(1, math.floor(soft * DEFAULT_SHARE))


def address_of(peer: tuple[str, int] | None) -> str:
    """The key a client is counted under: its IPv4 address, or its IPv6 /64 (one subscriber
    usually has a whole /64, so single IPv6 addresses would be no limit at all)."""
    if peer is None:
        return "local"
    try:
        ip = ipaddress.ip_address(peer[0].split("%")[0])
    except ValueError:
        return peer[0]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip, 64), strict=False))
    return str(ip)


class Holder(Protocol):
    """The connection a slot belongs to."""

    def evict(self) -> None:
        """Close at once: the reserve slot was given to someone else."""


@dataclass(frozen=True)
class Caps:
    total: int
    per_address: int  # 0: no cap per address


@dataclass(eq=False)
class Slot:
    registry: Registry
    address: str
    reserve: bool
    held: bool = True

    def settle(self) -> None:
        """The request head arrived: a reserve slot can no longer be taken back."""
        self.registry.waiting.pop(self, None)

    def release(self) -> None:
        if self.held:
            self.held = False
            self.registry.give_back(self)


@dataclass
class Registry:
    """One per process: uvicorn builds every connection's protocol with the same one."""

    caps: Caps
    by_address: dict[str, int] = field(default_factory=dict)
    total: int = 0
    reserved: int = 0
    # Reserve slots still waiting for their request head, oldest first.
    waiting: dict[Slot, Holder] = field(default_factory=dict)
    refused: int = 0
    logged_at: float = -math.inf

    def admit(self, address: str, holder: Holder) -> Slot | None:
        """A slot for a new connection from `address`, a reserve slot, or None: refuse it."""
        if self._has_room(address):
            self.total += 1
            self.by_address[address] = self.by_address.get(address, 0) + 1
            return Slot(self, address, reserve=False)
        self._note_refusal(address)
        if self.reserved >= RESERVE and self.waiting:
            slot, oldest = next(iter(self.waiting.items()))
            slot.release()
            oldest.evict()
        if self.reserved >= RESERVE:
            return None
        self.reserved += 1
        slot = Slot(self, address, reserve=True)
        self.waiting[slot] = holder
        return slot

    def give_back(self, slot: Slot) -> None:
        if slot.reserve:
            self.reserved -= 1
            self.waiting.pop(slot, None)
            return
        self.total -= 1
        left = self.by_address[slot.address] - 1
        if left:
            self.by_address[slot.address] = left
        else:
            del self.by_address[slot.address]

    def _has_room(self, address: str) -> bool:
        if self.total >= self.caps.total:
            return False
        per_address = self.caps.per_address
        return not per_address or self.by_address.get(address, 0) < per_address

    def _note_refusal(self, address: str) -> None:
        """A warning a minute at most: a flood must not become a flood of log lines."""
        self.refused += 1
        now = time.monotonic()
        if now - self.logged_at >= LOG_EVERY_SECONDS:
            log.warning(
                "connections over the caps get health checks only",
                refused=self.refused,
                address=address,
                from_address=self.by_address.get(address, 0),
                total=self.total,
            )
            self.refused = 0
            self.logged_at = now
