"""Every refusal the contract names, with its exact message and its kind.

Each transport maps a kind once: an HTTP status, a WebSocket `ERROR`, a Socket.IO `exception`.
"""

from __future__ import annotations

from enum import Enum
from typing import Any


class Kind(Enum):
    INVALID = "invalid"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    TOO_MANY = "too_many"
    TOO_LARGE = "too_large"
    UNAVAILABLE = "unavailable"


class DomainError(Exception):
    def __init__(
        self,
        kind: Kind,
        message: str,
        retry_after: int | None = None,
        details: list[Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.retry_after = retry_after
        # What exactly was wrong, as the envelope's `errors` (a roster file's lines).
        self.details = details


# Raise copies, never these instances: a raised exception carries its own traceback.
def invalid_schema() -> DomainError:
    return DomainError(Kind.INVALID, "Invalid request schema")


def email_exists() -> DomainError:
    return DomainError(Kind.INVALID, "Email already exists")


def bad_credentials() -> DomainError:
    return DomainError(Kind.INVALID, "Invalid email or password")


def unauthorized() -> DomainError:
    return DomainError(Kind.UNAUTHORIZED, "Unauthorized, token missing or invalid")


def role_required(role: str) -> DomainError:
    return DomainError(Kind.FORBIDDEN, f"Forbidden, {role} access required")


def not_class_teacher() -> DomainError:
    return DomainError(Kind.FORBIDDEN, "Forbidden, not class teacher")


def not_enrolled() -> DomainError:
    return DomainError(Kind.FORBIDDEN, "Forbidden, not enrolled in class")


def class_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "Class not found")


def user_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "User not found")


def student_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "Student not found")


def no_active_session() -> DomainError:
    return DomainError(Kind.CONFLICT, "No active attendance session")


def student_not_in_class() -> DomainError:
    return DomainError(Kind.INVALID, "Student not enrolled in class")


def invalid_code() -> DomainError:
    return DomainError(Kind.INVALID, "Invalid check-in code")


def check_in_closed() -> DomainError:
    return DomainError(Kind.CONFLICT, "Check-in is closed")


def session_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "Session not found")


def event_role_required(role: str) -> DomainError:
    return DomainError(Kind.FORBIDDEN, f"Forbidden, {role} event only")


def too_many_requests(retry_after: int) -> DomainError:
    return DomainError(Kind.TOO_MANY, "Too many requests", retry_after)


def signup_closed() -> DomainError:
    return DomainError(Kind.FORBIDDEN, "Sign-up is closed")


def email_domain_not_allowed() -> DomainError:
    return DomainError(Kind.FORBIDDEN, "Email domain not allowed")


def class_archived() -> DomainError:
    return DomainError(Kind.CONFLICT, "Class is archived")


def excusal_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "Excusal not found")


def session_in_progress() -> DomainError:
    return DomainError(Kind.CONFLICT, "Attendance session in progress")


def wrong_password() -> DomainError:
    return DomainError(Kind.INVALID, "Current password is incorrect")


def invalid_setup_code() -> DomainError:
    return DomainError(Kind.INVALID, "Invalid or expired setup code")


def too_many_classes() -> DomainError:
    return DomainError(Kind.CONFLICT, "Too many classes")


def too_many_students() -> DomainError:
    return DomainError(Kind.INVALID, "Too many students")


def school_not_found() -> DomainError:
    return DomainError(Kind.NOT_FOUND, "School not found")


def unavailable() -> DomainError:
    return DomainError(Kind.UNAVAILABLE, "Service unavailable")
