"""failures.py: what every failure becomes, on HTTP and on a live connection, from one table."""

from __future__ import annotations

import pytest
from pydantic import BaseModel, ValidationError
from sqlalchemy.exc import OperationalError

from headcount.domain import errors
from headcount.domain.errors import Kind
from headcount.failures import TABLE, failure_of


def test_every_kind_has_a_row() -> None:
    assert set(TABLE) == set(Kind)


@pytest.mark.parametrize(
    ("error", "status", "live"),
    [
        (errors.invalid_schema(), 400, "Invalid request schema"),
        (errors.unauthorized(), 401, "Unauthorized, token missing or invalid"),
        (errors.not_class_teacher(), 403, "Forbidden, not class teacher"),
        (errors.class_not_found(), 404, "Class not found"),
        (errors.no_active_session(), 409, "No active attendance session"),
        (errors.unavailable(), 503, "Service unavailable"),
    ],
)
def test_a_refusal_keeps_its_message_everywhere(
    error: errors.DomainError, status: int, live: str
) -> None:
    failure = failure_of(error, "test")
    assert (failure.status, failure.message, failure.live_message) == (status, live, live)


def test_a_limit_reads_as_too_many_messages_on_a_socket() -> None:
    failure = failure_of(errors.too_many_requests(7), "test")
    assert (failure.status, failure.message) == (429, "Too many requests")
    assert failure.live_message == "Too many messages"
    assert failure.retry_after == 7


def test_a_database_out_of_reach_is_service_unavailable() -> None:
    for exc in (
        OperationalError("SELECT 1", {}, OSError("refused")),
        TimeoutError(),
        ConnectionRefusedError(),
    ):
        failure = failure_of(exc, "test")
        assert (failure.status, failure.message) == (503, "Service unavailable")


def test_a_payload_that_fails_validation_is_invalid_request_schema() -> None:
    class Payload(BaseModel):
        n: int

    with pytest.raises(ValidationError) as caught:
        Payload.model_validate({"n": "x"})
    failure = failure_of(caught.value, "test")
    assert (failure.status, failure.live_message) == (400, "Invalid request schema")


def test_anything_else_is_an_internal_error_without_details() -> None:
    failure = failure_of(KeyError("secret detail"), "test")
    assert (failure.status, failure.message, failure.live_message) == (
        500,
        "Internal server error",
        "Internal server error",
    )
