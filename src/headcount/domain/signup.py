"""Who may sign up on their own (SPEC §7, `SIGNUP`): anyone, students only, or nobody; and,
when a school lists them, only from its e-mail domains. Teachers and administrators of a
school that says `students` or `closed` arrive by import or from an administrator."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from headcount.domain import errors

SignupMode = Literal["open", "students", "closed"]


@dataclass(frozen=True, slots=True)
class SignupPolicy:
    mode: SignupMode
    domains: frozenset[str] = frozenset()

    def check(self, role: str, email: str) -> None:
        if self.mode == "closed" or (self.mode == "students" and role != "student"):
            raise errors.signup_closed()
        if self.domains and email.rpartition("@")[2] not in self.domains:
            raise errors.email_domain_not_allowed()
