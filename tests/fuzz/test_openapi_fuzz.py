"""Schemathesis against the server's own OpenAPI schema (SPEC §1): whatever a client sends to a
documented route, the answer is never a server error and always the JSON envelope.

Each operation gets a bounded, derandomized Hypothesis run: schema-valid data, then data that
violates the schema where the operation has a body or a query to violate. The `anonymous` run
sends no token of ours (only what Schemathesis generates for the `Authorization` header); the
`signed-in` run draws, per example, a teacher, a student, or the owner of a class with a live
session whose ids are pinned into the path and query, so that generated bodies get past
authentication, role, existence and ownership checks.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeAlias

import pytest
import requests
import schemathesis
from hypothesis import given
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.core.result import Ok
from schemathesis.core.transport import Response
from schemathesis.generation.case import Case as AnyCase
from schemathesis.schemas import APIOperation

from tests.fuzz.profile import fuzz_settings
from tests.support.client import Api
from tests.support.server import ServerProcess

Operation: TypeAlias = APIOperation[Any, Any, Any, Any]
Case: TypeAlias = AnyCase[Any]

MAX_EXAMPLES = {"anonymous": 10, "signed-in": 25}

# Query parameters some routes read: GET operations also get random values for these, whether
# or not the schema declares them there.
LOOSE_QUERY_NAMES = ("q", "limit", "offset", "classId", "studentId", "date", "key", "format")
LOOSE_QUERY = st.dictionaries(
    st.sampled_from(LOOSE_QUERY_NAMES),
    st.one_of(
        st.text(max_size=40),
        st.integers(min_value=-(2**70), max_value=2**70).map(str),
        st.uuids().map(str),
    ),
    max_size=4,
)

# Bodies that are, by contract, not the envelope (SPEC §2, §4 and §9).
OUTSIDE_ENVELOPE = {
    ("POST", "/auth/token", "application/json"),
    ("GET", "/class/{class_id}/attendance", "text/csv"),
    ("GET", "/metrics", "text/plain"),
}


@dataclass
class Caller:
    name: str
    headers: dict[str, str] = field(default_factory=dict)
    pinned: dict[str, str] = field(default_factory=dict)


async def signed_in_callers(api: Api) -> list[Caller]:
    teacher, class_id, (student,) = await api.classroom(1)
    session = await api.start(teacher, class_id)
    ids = {
        "class_id": class_id,
        "classId": class_id,
        "student_id": student.id,
        "studentId": student.id,
        "session_id": str(session["sessionId"]),
    }
    return [
        Caller("teacher", {"Authorization": f"Bearer {(await api.teacher()).token}"}),
        Caller("student", {"Authorization": f"Bearer {(await api.student()).token}"}),
        Caller("owner", {"Authorization": f"Bearer {teacher.token}"}, ids),
    ]


def header(response: Response, name: str) -> str:
    for key, values in response.headers.items():
        if key.lower() == name and values:
            return values[0]
    return ""


def check_response(case: Case, response: Response, caller: Caller) -> None:
    """No 5xx; JSON in the success or the failure envelope, agreeing with the status."""
    status = response.status_code
    text = response.content.decode("utf-8", "replace")[:500]
    where = f"{caller.name}: {case.as_curl_command(headers=caller.headers)}\n-> {status} {text}"
    assert status < 500, f"server error\n{where}"
    media_type = header(response, "content-type").split(";")[0].strip().lower()
    if 200 <= status < 300 and (case.method.upper(), case.path, media_type) in OUTSIDE_ENVELOPE:
        return
    assert media_type == "application/json", f"content-type {media_type!r}\n{where}"
    body = response.json()
    assert isinstance(body, dict), f"not an object\n{where}"
    if body.get("success") is True:
        assert set(body) == {"success", "data"}, f"success envelope keys\n{where}"
        assert 200 <= status < 300, f"success envelope on a failure status\n{where}"
    else:
        assert body.get("success") is False, f"no envelope\n{where}"
        assert set(body) == {"success", "error"}, f"failure envelope keys\n{where}"
        assert isinstance(body["error"], str) and body["error"], f"error not a string\n{where}"
        assert status >= 400, f"failure envelope on a success status\n{where}"


def modes(operation: Operation) -> list[GenerationMode]:
    """Negative generation needs something the schema constrains: a body or a query."""
    if len(operation.body) or len(operation.query):
        return [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    return [GenerationMode.POSITIVE]


def cases(operation: Operation, mode: GenerationMode, caller: Caller) -> st.SearchStrategy[Case]:
    path_names = {parameter.name for parameter in operation.path_parameters}
    query_names = {parameter.name for parameter in operation.query}
    strategy = operation.as_strategy(
        mode,
        path_parameters={k: v for k, v in caller.pinned.items() if k in path_names} or None,
        query={k: v for k, v in caller.pinned.items() if k in query_names} or None,
    )
    if operation.method.upper() != "GET":
        return strategy

    def loosen(pair: tuple[Case, dict[str, str]]) -> Case:
        case, extra = pair
        case.query = {**extra, **(case.query or {})}
        return case

    return st.tuples(strategy, LOOSE_QUERY).map(loosen)


def fuzz(
    operation: Operation,
    mode: GenerationMode,
    callers: list[Caller],
    base_url: str,
    max_examples: int,
) -> Callable[[], None]:
    session = requests.Session()
    calls = st.sampled_from(callers).flatmap(
        lambda caller: cases(operation, mode, caller).map(lambda case: (caller, case))
    )

    @fuzz_settings(max_examples)
    @given(call=calls)
    def run(call: tuple[Caller, Case]) -> None:
        caller, case = call
        response = case.call(base_url=base_url, session=session, headers=caller.headers, timeout=15)
        check_response(case, response, caller)

    return run


def load_operations(server: ServerProcess) -> list[Operation]:
    schema = schemathesis.openapi.from_url(f"{server.base_url}/openapi.json", timeout=15)
    # Failures print a curl command; with the real password and token in it, it reproduces.
    schema.config.output.sanitization.update(enabled=False)
    operations: list[Operation] = []
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), (
            f"the schema has an operation Schemathesis cannot use: {result}"
        )
        operations.append(result.ok())
    return operations


@pytest.mark.parametrize("who", sorted(MAX_EXAMPLES))
async def test_every_operation_answers_in_the_envelope(
    api: Api, server: ServerProcess, who: str
) -> None:
    callers = [Caller("anonymous")] if who == "anonymous" else await signed_in_callers(api)
    operations = load_operations(server)
    labels = {operation.label for operation in operations}
    assert {"POST /auth/signup", "POST /class", "GET /class/{class_id}"} <= labels, labels
    failures: list[str] = []
    for operation in operations:
        for mode in modes(operation):
            try:
                fuzz(operation, mode, callers, server.base_url, MAX_EXAMPLES[who])()
            except Exception as exc:
                failures.append(f"{operation.label} ({mode.value}): {exc}")
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("label", ["GET /auth/me", "GET /healthz"])
async def test_the_envelope_check_passes_real_answers_and_fails_others(
    server: ServerProcess, label: str
) -> None:
    """The checker itself: a real failure and a real success pass it, a bare object does not."""
    operation = next(op for op in load_operations(server) if op.label == label)
    case = operation.Case()
    caller = Caller("anonymous")
    response = case.call(base_url=server.base_url, timeout=15)
    check_response(case, response, caller)
    broken = Response(
        status_code=response.status_code,
        headers={"content-type": ["application/json"]},
        content=b'{"ok": 1}',
        request=response.request,
        elapsed=0.0,
        verify=True,
    )
    with pytest.raises(AssertionError):
        check_response(case, broken, caller)
