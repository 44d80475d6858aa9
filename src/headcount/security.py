"""Passwords and tokens: bcrypt off the event loop, JWT HS256 with the algorithm pinned."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, TypeVar

import anyio.to_thread
import bcrypt
import jwt

from headcount.memo import Memo

T = TypeVar("T")
Role = Literal["teacher", "student", "admin", "guardian"]
ROLES: tuple[Role, ...] = ("teacher", "student", "admin", "guardian")
# Who may run a class: its teacher, or an administrator of its school. A refusal names the
# first ("Forbidden, teacher access required"), as the seed contract does.
MANAGING_ROLES: tuple[Role, ...] = ("teacher", "admin")
ALGORITHM = "HS256"
MAX_PASSWORD_BYTES = 72  # bcrypt reads no further
# Verified tokens remembered per process: decoding one costs a tenth of a cheap request.
VERIFIED_LIMIT = 100_000


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling, as the token says: the account, its role, which token (so that one
    token can be revoked), until when, and the account's token generation it was issued in
    (raising that revokes every older token at once)."""

    user_id: uuid.UUID
    role: Role
    token_id: str = ""
    expires_at: float = math.inf
    generation: int = 0


class InvalidToken(Exception):
    pass


class Passwords:
    def __init__(self, rounds: int) -> None:
        self.rounds = rounds
        # Checked against when the email is unknown, so a miss costs what a hit costs.
        self._decoy = bcrypt.hashpw(b"decoy-password", bcrypt.gensalt(rounds))
        self._limiter: anyio.CapacityLimiter | None = None

    async def _in_thread(self, work: Callable[[bytes, bytes], T], a: bytes, b: bytes) -> T:
        """bcrypt off the event loop, one hash per core at a time: more in flight only
        stretches every log-in's latency (anyio's default pool runs 40)."""
        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(os.cpu_count() or 1)
        return await anyio.to_thread.run_sync(work, a, b, limiter=self._limiter)

    async def hash(self, password: str) -> str:
        hashed = await self._in_thread(
            bcrypt.hashpw, password.encode(), bcrypt.gensalt(self.rounds)
        )
        return hashed.decode()

    async def verify(self, password: str, hashed: str | None) -> bool:
        candidate = password.encode()
        if len(candidate) > MAX_PASSWORD_BYTES:
            # bcrypt 5 refuses these; no stored password is this long, so it is a miss.
            candidate, hashed = candidate[:MAX_PASSWORD_BYTES], None
        target = hashed.encode() if hashed is not None else self._decoy
        matches = await self._in_thread(bcrypt.checkpw, candidate, target)
        return matches and hashed is not None


def _memo_key(token: str) -> bytes:
    """A verified token's name in the memo: 16 bytes rather than the token's 250 or so, which
    every connected user's socket would keep (a second preimage of it is out of reach)."""
    return hashlib.blake2b(token.encode(), digest_size=16).digest()


def token_id(token: str) -> str:
    """A token's name for revocation: its hash, so the token itself is never stored."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class Tokens:
    def __init__(self, secret: str, lifetime_seconds: int) -> None:
        self.secret = secret
        self.lifetime = lifetime_seconds
        self._verified: Memo[bytes, Principal] = Memo(VERIFIED_LIMIT)

    def issue(self, user_id: uuid.UUID, role: Role, generation: int = 0) -> str:
        issued = int(time.time())
        payload = {
            "userId": str(user_id),
            "role": role,
            "iat": issued,
            "exp": issued + self.lifetime,
            "gen": generation,
            # Two log-ins in one second would otherwise sign the same claims: one token, so
            # logging out of one device would revoke the other.
            "jti": secrets.token_urlsafe(12),
        }
        return jwt.encode(payload, self.secret, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The token's principal. A token once verified stays good until its `exp`: the
        secret and the claims cannot change, so a repeat costs a lookup, not a decode."""
        key = _memo_key(token)
        known = self._verified.get(key, time.time())
        since = self._verified.generation
        if known is not None:
            return known
        try:
            claims = jwt.decode(
                token, self.secret, algorithms=[ALGORITHM], options={"require": ["exp", "iat"]}
            )
            role = claims["role"]
            if role not in ROLES:
                raise InvalidToken("unknown role")
            expires = int(claims["exp"])
            generation = int(claims.get("gen", 0))
            who = Principal(
                uuid.UUID(str(claims["userId"])), role, token_id(token), expires, generation
            )
        except (jwt.PyJWTError, KeyError, ValueError, TypeError) as exc:
            raise InvalidToken(str(exc)) from exc
        self._verified.put(key, who, expires, since)
        return who

    def from_header(self, value: str | None) -> Principal:
        """`Authorization: <jwt>` or `Authorization: Bearer <jwt>` (scheme case-insensitive)."""
        if not value:
            raise InvalidToken("missing")
        parts = value.strip().split()
        if len(parts) == 2 and parts[0].lower() == "bearer":
            return self.verify(parts[1])
        if len(parts) == 1:
            return self.verify(parts[0])
        raise InvalidToken("malformed header")
