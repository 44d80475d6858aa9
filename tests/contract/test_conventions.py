"""SPEC §1: envelopes, ids, timestamps, Authorization, order of checks, field limits."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import httpx
import pytest

from tests.conftest import require
from tests.contract.helpers import (
    CLASS_NOT_FOUND,
    NO_SESSION,
    NOT_A_UUID,
    NOT_CLASS_TEACHER,
    NOT_ENROLLED,
    SCHEMA,
    STUDENT_ONLY,
    TEACHER_ONLY,
    UNAUTHORIZED,
    fails,
    forge_token,
    is_timestamp,
    is_uuid,
    ok,
    random_id,
    stranger_teacher_class,
    tag,
)
from tests.support.backends import Backend
from tests.support.client import PASSWORD, Api
from tests.support.proxy import TcpProxy
from tests.support.server import start_server

MIB = 1024 * 1024
UNAVAILABLE = "Service unavailable"


def signup_body(**changes: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "Ada Lovelace",
        "email": f"ada-{tag()}@school.example.com",
        "password": PASSWORD,
        "role": "student",
    }
    body.update(changes)
    return {key: value for key, value in body.items() if value is not None}


async def signup(api: Api, **changes: Any) -> httpx.Response:
    return await api.http.post("/auth/signup", json=signup_body(**changes))


def padded_signup(size: int) -> bytes:
    """A valid signup body of exactly `size` bytes (the padding is an ignored extra field)."""
    bare = json.dumps({**signup_body(), "pad": ""}).encode()
    body = json.dumps({**signup_body(), "pad": "x" * (size - len(bare))}).encode()
    assert len(body) == size
    return body


# --- envelopes for routing and transport errors ------------------------------------------------


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
async def test_unknown_route_is_404_envelope(api: Api, method: str) -> None:
    fails(await api.request(method, f"/no-such-route-{tag()}"), 404, "Not found")


async def test_unknown_route_with_token_is_404_envelope(api: Api) -> None:
    teacher = await api.teacher()
    fails(await api.request("GET", "/class/x/y/z", teacher.token), 404, "Not found")


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/auth/signup"), ("GET", "/auth/login"), ("PUT", "/auth/me"), ("DELETE", "/class")],
)
async def test_wrong_method_is_405_envelope(api: Api, method: str, path: str) -> None:
    fails(await api.request(method, path), 405, "Method not allowed")


async def test_body_over_one_mib_is_413(api: Api) -> None:
    response = await api.http.post(
        "/auth/signup",
        content=padded_signup(MIB + 1),
        headers={"Content-Type": "application/json"},
    )
    fails(response, 413, "Request body too large")


async def test_body_of_exactly_one_mib_is_accepted(api: Api) -> None:
    response = await api.http.post(
        "/auth/signup", content=padded_signup(MIB), headers={"Content-Type": "application/json"}
    )
    assert ok(response, 201)["role"] == "student"


async def test_chunked_body_over_one_mib_is_413(api: Api) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"name": "x", "pad": "'
        for _ in range(17):
            yield b"x" * (64 * 1024)
        yield b'"}'

    response = await api.http.post(
        "/auth/signup", content=chunks(), headers={"Content-Type": "application/json"}
    )
    assert "content-length" not in response.request.headers
    fails(response, 413, "Request body too large")


# --- ids and timestamps --------------------------------------------------------------------------


async def test_ids_are_lower_case_canonical_uuids_and_times_are_iso_millis(api: Api) -> None:
    teacher, class_id, students = await api.classroom(1)
    student = ok(await api.request("GET", "/auth/me", students[0].token))
    detail = ok(await api.request("GET", f"/class/{class_id}", teacher.token))
    started = await api.start(teacher, class_id)
    ids = [
        teacher.id,
        student["id"],
        class_id,
        detail["teacherId"],
        detail["students"][0]["id"],
        started["sessionId"],
    ]
    assert all(is_uuid(value) for value in ids), ids
    assert is_timestamp(started["startedAt"]), started


# --- body validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"name": "Ada", "email": ', "application/json"),
        (b"", "application/json"),
        (b"not json at all", "application/json"),
        (b"[]", "application/json"),
        (b'"a string"', "application/json"),
        (b"42", "application/json"),
        (b"null", "application/json"),
        (b"name=Ada&email=a%40b.example&password=secret-pass&role=student", "text/plain"),
        (
            b"name=Ada&email=a%40b.example&password=secret-pass&role=student",
            "application/x-www-form-urlencoded",
        ),
    ],
    ids=[
        "truncated",
        "empty",
        "garbage",
        "array",
        "string",
        "number",
        "null",
        "text-plain",
        "form",
    ],
)
async def test_unparseable_or_non_object_body_is_400(
    api: Api, content: bytes, content_type: str
) -> None:
    response = await api.http.post(
        "/auth/signup", content=content, headers={"Content-Type": content_type}
    )
    fails(response, 400, SCHEMA)


async def test_valid_json_with_non_json_content_type_is_400(api: Api) -> None:
    response = await api.http.post(
        "/auth/signup",
        content=json.dumps(signup_body()).encode(),
        headers={"Content-Type": "text/plain"},
    )
    fails(response, 400, SCHEMA)


async def test_json_content_type_with_charset_is_accepted(api: Api) -> None:
    response = await api.http.post(
        "/auth/signup",
        content=json.dumps(signup_body()).encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert ok(response, 201)["name"] == "Ada Lovelace"


@pytest.mark.parametrize(
    "changes",
    [
        {"name": None},
        {"email": None},
        {"password": None},
        {"role": None},
        {"name": 123},
        {"name": ["Ada"]},
        {"email": 5},
        {"password": 123456},
        {"role": "admin"},
        {"role": "Teacher"},
        {"role": None, "roles": ["teacher"]},
    ],
    ids=repr,
)
async def test_missing_or_wrong_typed_signup_field_is_400(
    api: Api, changes: dict[str, Any]
) -> None:
    fails(await signup(api, **changes), 400, SCHEMA)


async def test_unknown_extra_fields_are_ignored(api: Api) -> None:
    response = await signup(api, isAdmin=True, id=random_id(), passwordHash="x")
    user = ok(response, 201)
    assert user.keys() == {"id", "name", "email", "role"}
    assert user["role"] == "student"


@pytest.mark.parametrize("body", [{}, {"className": 7}, {"className": None}, {"name": "Maths"}])
async def test_missing_or_wrong_typed_field_on_protected_route_is_400(
    api: Api, body: dict[str, Any]
) -> None:
    teacher = await api.teacher()
    fails(await api.request("POST", "/class", teacher.token, json=body), 400, SCHEMA)


# --- Authorization header ------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["", "Bearer ", "bearer ", "BEARER "])
async def test_bare_and_bearer_tokens_are_accepted(api: Api, scheme: str) -> None:
    student = await api.student()
    me = ok(await api.request("GET", "/auth/me", f"{scheme}{student.token}"))
    assert me["id"] == student.id


@pytest.mark.parametrize(
    "header",
    [
        "Basic {token}",
        "Token {token}",
        "Bearer",
        "Bearer Bearer {token}",
        "Bearer {token} extra",
        "{token}x",
        "Bearer not.a.jwt",
        "garbage",
    ],
)
async def test_any_other_authorization_is_401(api: Api, header: str) -> None:
    student = await api.student()
    response = await api.request("GET", "/auth/me", header.format(token=student.token))
    fails(response, 401, UNAUTHORIZED)


async def test_missing_authorization_is_401(api: Api) -> None:
    fails(await api.request("GET", "/auth/me"), 401, UNAUTHORIZED)


# --- order of checks: 401 -> 403 role -> 400 -> 404 -> 403 ownership ------------------------------


async def test_no_token_with_garbage_body_is_401(api: Api) -> None:
    response = await api.http.post(
        "/class", content=b"{garbage", headers={"Content-Type": "application/json"}
    )
    fails(response, 401, UNAUTHORIZED)


async def test_no_token_with_non_uuid_path_is_401(api: Api) -> None:
    fails(await api.request("GET", f"/class/{NOT_A_UUID}"), 401, UNAUTHORIZED)
    response = await api.request("POST", f"/class/{NOT_A_UUID}/add-student", json=[])
    fails(response, 401, UNAUTHORIZED)


async def test_invalid_token_with_garbage_body_is_401(api: Api) -> None:
    token = forge_token(random_id(), secret="another-secret-0123456789-0123456789")
    response = await api.request("POST", "/attendance/start", token, json="garbage")
    fails(response, 401, UNAUTHORIZED)


async def test_student_with_garbage_body_on_teacher_route_is_403(api: Api) -> None:
    student = await api.student()
    response = await api.request(
        "POST",
        "/class",
        student.token,
        content=b"{garbage",
        headers={"Content-Type": "application/json"},
    )
    fails(response, 403, TEACHER_ONLY)


async def test_student_with_bad_query_on_teacher_route_is_403(api: Api) -> None:
    student = await api.student()
    fails(await api.request("GET", "/students?limit=0", student.token), 403, TEACHER_ONLY)


async def test_role_is_checked_before_path_existence(api: Api) -> None:
    student = await api.student()
    teacher = await api.teacher()
    response = await api.request(
        "POST", f"/class/{NOT_A_UUID}/add-student", student.token, json={"studentId": student.id}
    )
    fails(response, 403, TEACHER_ONLY)
    response = await api.request("GET", f"/class/{random_id()}/my-attendance", teacher.token)
    fails(response, 403, STUDENT_ONLY)


async def test_body_is_validated_before_class_existence(api: Api) -> None:
    teacher = await api.teacher()
    for class_id in (random_id(), NOT_A_UUID):
        path = f"/class/{class_id}/add-student"
        response = await api.request("POST", path, teacher.token, json={"studentId": 5})
        fails(response, 400, SCHEMA)


async def test_body_is_validated_before_ownership(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    path = f"/class/{class_id}/add-student"
    fails(await api.request("POST", path, stranger.token, json={}), 400, SCHEMA)


async def test_existence_is_checked_before_ownership(api: Api) -> None:
    stranger, class_id = await stranger_teacher_class(api)
    student = await api.student()
    body = {"studentId": student.id}
    path = f"/class/{random_id()}/add-student"
    fails(await api.request("POST", path, stranger.token, json=body), 404, CLASS_NOT_FOUND)
    path = f"/class/{class_id}/add-student"
    fails(await api.request("POST", path, stranger.token, json=body), 403, NOT_CLASS_TEACHER)


@pytest.mark.parametrize("bad_id", [NOT_A_UUID, "123", "00000000-0000-0000-0000-00000000000g"])
async def test_non_uuid_path_id_is_the_routes_404(api: Api, bad_id: str) -> None:
    teacher = await api.teacher()
    student = await api.student()
    for path, caller in (
        (f"/class/{bad_id}", teacher),
        (f"/class/{bad_id}", student),
        (f"/class/{bad_id}/sessions", teacher),
        (f"/class/{bad_id}/attendance", teacher),
        (f"/class/{bad_id}/my-attendance", student),
    ):
        fails(await api.request("GET", path, caller.token), 404, CLASS_NOT_FOUND)
    response = await api.request(
        "POST", f"/class/{bad_id}/add-student", teacher.token, json={"studentId": student.id}
    )
    fails(response, 404, CLASS_NOT_FOUND)


async def test_enrolment_is_checked_after_existence(api: Api) -> None:
    teacher = await api.teacher()
    class_id = await api.create_class(teacher)
    outsider = await api.student()
    path = f"/class/{random_id()}/my-attendance"
    fails(await api.request("GET", path, outsider.token), 404, CLASS_NOT_FOUND)
    path = f"/class/{class_id}/my-attendance"
    fails(await api.request("GET", path, outsider.token), 403, NOT_ENROLLED)


# --- field limits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "accepted"),
    [("", False), ("A", True), ("n" * 100, True), ("n" * 101, False), ("é" * 100, True)],
    ids=["empty", "one", "100", "101", "100-non-ascii"],
)
async def test_name_is_1_to_100_chars(api: Api, name: str, accepted: bool) -> None:
    response = await signup(api, name=name)
    if accepted:
        assert ok(response, 201)["name"] == name
    else:
        fails(response, 400, SCHEMA)


@pytest.mark.parametrize(
    ("class_name", "accepted"),
    [("", False), ("C", True), ("c" * 200, True), ("c" * 201, False)],
    ids=["empty", "one", "200", "201"],
)
async def test_class_name_is_1_to_200_chars(api: Api, class_name: str, accepted: bool) -> None:
    teacher = await api.teacher()
    response = await api.request("POST", "/class", teacher.token, json={"className": class_name})
    if accepted:
        assert ok(response, 201)["className"] == class_name
    else:
        fails(response, 400, SCHEMA)


def email_of_length(length: int) -> str:
    """A well-formed address of exactly `length` characters (64-char local part)."""
    local = f"u{tag()}".ljust(64, "x")
    last = length - len(local) - 1 - (63 + 1 + 63 + 1) - len(".com")
    email = f"{local}@{'a' * 63}.{'b' * 63}.{'c' * last}.com"
    assert len(email) == length
    return email


async def test_email_of_254_chars_is_accepted(api: Api) -> None:
    email = email_of_length(254)
    assert ok(await signup(api, email=email), 201)["email"] == email


async def test_email_of_255_chars_is_400(api: Api) -> None:
    fails(await signup(api, email=email_of_length(255)), 400, SCHEMA)


async def test_email_is_trimmed_and_stored_lower_case(api: Api) -> None:
    email = f"Mixed.Case-{tag()}@School.Example.COM"
    user = ok(await signup(api, email=f"  {email}\t"), 201)
    assert user["email"] == email.lower()
    login = await api.http.post(
        "/auth/login", json={"email": f" {email.upper()} ", "password": PASSWORD}
    )
    assert set(ok(login)) == {"token"}


@pytest.mark.parametrize(
    ("password", "accepted"),
    [
        ("12345", False),
        ("123456", True),
        ("ééé", False),
        ("p" * 72, True),
        ("p" * 73, False),
        ("é" * 36, True),
        ("é" * 40, False),
        ("p" * 71 + "é", False),
    ],
    ids=[
        "5-chars",
        "6-chars",
        "3-chars-6-bytes",
        "72-bytes",
        "73-bytes",
        "36-two-byte-chars",
        "40-two-byte-chars",
        "73-bytes-mixed",
    ],
)
async def test_password_is_6_chars_to_72_utf8_bytes(
    api: Api, password: str, accepted: bool
) -> None:
    response = await signup(api, password=password)
    if not accepted:
        fails(response, 400, SCHEMA)
        return
    email = ok(response, 201)["email"]
    login = await api.http.post("/auth/login", json={"email": email, "password": password})
    assert set(ok(login)) == {"token"}


async def test_password_is_never_silently_truncated(api: Api) -> None:
    response = await signup(api, password="p" * 72)
    email = ok(response, 201)["email"]
    login = await api.http.post("/auth/login", json={"email": email, "password": "p" * 73})
    assert login.status_code == 400, login.text
    assert login.json() in (
        {"success": False, "error": SCHEMA},
        {"success": False, "error": "Invalid email or password"},
    )


# --- the remaining rows of the error table -------------------------------------------------------


async def test_rest_marking_without_active_session_is_409(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    body = {"classId": class_id, "studentId": student.id, "status": "present"}
    fails(await api.request("POST", "/attendance/mark", teacher.token, json=body), 409, NO_SESSION)


def test_database_unreachable_is_503(tmp_path: Path) -> None:
    require("postgres")
    with Backend.create("postgres", tmp_path) as backend:
        parts = urlsplit(backend.database_url)
        proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
        netloc = f"{parts.username}@127.0.0.1:{proxy.port}" if parts.username else None
        url = urlunsplit(parts._replace(netloc=netloc or f"127.0.0.1:{proxy.port}"))
        try:
            with (
                start_server(Backend("postgres", url), workdir=tmp_path) as server,
                httpx.Client(base_url=server.base_url, timeout=30) as http,
            ):
                ok(http.get("/readyz"))
                proxy.cut()
                fails(http.get("/readyz"), 503, UNAVAILABLE)
                token = forge_token(random_id())
                fails(http.get("/auth/me", headers={"Authorization": token}), 503, UNAVAILABLE)
                body = {"email": "nobody@school.example.com", "password": PASSWORD}
                fails(http.post("/auth/login", json=body), 503, UNAVAILABLE)
                assert ok(http.get("/healthz")) == {"status": "ok"}
        finally:
            proxy.cut()
