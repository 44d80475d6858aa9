"""SPEC §2: signup, login, me, the OAuth2 token route, and what a token must be."""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.contract.helpers import (
    BAD_LOGIN,
    SCHEMA,
    UNAUTHORIZED,
    USER_NOT_FOUND,
    fails,
    forge_token,
    is_uuid,
    ok,
    random_id,
    tag,
)
from tests.support.client import PASSWORD, Account, Api
from tests.support.server import JWT_SECRET

SEVEN_DAYS = 7 * 24 * 3600


def new_email() -> str:
    return f"auth-{tag()}@school.example.com"


async def login(api: Api, email: str, password: str = PASSWORD) -> Any:
    return await api.http.post("/auth/login", json={"email": email, "password": password})


async def oauth_token(api: Api, **form: str) -> Any:
    return await api.http.post("/auth/token", data=form)


def me_view(account: Account) -> dict[str, str]:
    return {"id": account.id, "name": account.name, "email": account.email, "role": account.role}


# --- signup --------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "student"])
async def test_signup_returns_the_user_without_password(api: Api, role: str) -> None:
    email = new_email()
    body = {"name": "Grace Hopper", "email": email, "password": PASSWORD, "role": role}
    user = ok(await api.http.post("/auth/signup", json=body), 201)
    assert user == {"id": user["id"], "name": "Grace Hopper", "email": email, "role": role}
    assert is_uuid(user["id"])


async def test_signup_with_taken_email_is_400(api: Api) -> None:
    student = await api.student()
    body = {"name": "Again", "email": student.email, "password": PASSWORD, "role": "teacher"}
    fails(await api.http.post("/auth/signup", json=body), 400, "Email already exists")


async def test_signup_with_taken_email_in_other_case_and_spacing_is_400(api: Api) -> None:
    student = await api.student()
    email = f"  {student.email.upper()} "
    body = {"name": "Again", "email": email, "password": PASSWORD, "role": "student"}
    fails(await api.http.post("/auth/signup", json=body), 400, "Email already exists")


# --- login ---------------------------------------------------------------------------------------


async def test_login_returns_only_a_token(api: Api) -> None:
    student = await api.student()
    data = ok(await login(api, student.email))
    assert data.keys() == {"token"}
    assert isinstance(data["token"], str)


@pytest.mark.parametrize("role", ["teacher", "student"])
async def test_token_is_hs256_with_user_id_role_iat_exp(api: Api, role: str) -> None:
    account = await api.signup(role)
    token = ok(await login(api, account.email))["token"]
    assert jwt.get_unverified_header(token)["alg"] == "HS256"
    payload = jwt.decode(token, JWT_SECRET, algorithms=["HS256"])
    assert payload.keys() >= {"userId", "role", "iat", "exp"}
    assert (payload["userId"], payload["role"]) == (account.id, role)
    assert abs(payload["iat"] - time.time()) < 60
    assert payload["exp"] - payload["iat"] == SEVEN_DAYS


async def test_login_email_is_trimmed_and_case_insensitive(api: Api) -> None:
    teacher = await api.teacher()
    token = ok(await login(api, f"  {teacher.email.upper()}  "))["token"]
    assert ok(await api.request("GET", "/auth/me", token))["id"] == teacher.id


async def test_login_with_wrong_password_is_400(api: Api) -> None:
    student = await api.student()
    fails(await login(api, student.email, "wrong-password"), 400, BAD_LOGIN)


async def test_login_with_unknown_email_is_400(api: Api) -> None:
    fails(await login(api, new_email()), 400, BAD_LOGIN)


@pytest.mark.parametrize(
    "body",
    [{}, {"email": "a@b.example"}, {"password": PASSWORD}, {"email": 1, "password": PASSWORD}],
    ids=repr,
)
async def test_login_with_invalid_body_is_400(api: Api, body: dict[str, Any]) -> None:
    fails(await api.http.post("/auth/login", json=body), 400, SCHEMA)


# --- me ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["teacher", "student"])
async def test_me_returns_the_caller(api: Api, role: str) -> None:
    account = await api.signup(role)
    assert ok(await api.request("GET", "/auth/me", account.token)) == me_view(account)


async def test_me_without_token_is_401(api: Api) -> None:
    fails(await api.request("GET", "/auth/me"), 401, UNAUTHORIZED)


async def test_me_for_a_user_that_does_not_exist_is_404(api: Api) -> None:
    token = forge_token(random_id(), "student")
    fails(await api.request("GET", "/auth/me", token), 404, USER_NOT_FOUND)


async def test_forged_token_with_the_right_secret_is_accepted(api: Api) -> None:
    teacher = await api.teacher()
    token = forge_token(teacher.id, "teacher")
    assert ok(await api.request("GET", "/auth/me", f"Bearer {token}")) == me_view(teacher)


@pytest.mark.parametrize(
    "changes",
    [
        {"lifetime": -10},
        {"secret": "wrong-secret-0123456789-0123456789-0123456789"},
        {"algorithm": "HS512"},
        {"algorithm": "none", "secret": ""},
        {"userId": None},
        {"exp": None},
        {"iat": None},
    ],
    ids=["expired", "wrong-secret", "hs512", "alg-none", "no-user-id", "no-exp", "no-iat"],
)
@pytest.mark.filterwarnings("ignore::jwt.warnings.InsecureKeyLengthWarning")
async def test_bad_token_is_401(api: Api, changes: dict[str, Any]) -> None:
    teacher = await api.teacher()
    token = forge_token(teacher.id, "teacher", **changes)
    fails(await api.request("GET", "/auth/me", token), 401, UNAUTHORIZED)
    fails(await api.request("GET", "/classes", f"Bearer {token}"), 401, UNAUTHORIZED)


async def test_tampered_payload_is_401(api: Api) -> None:
    student = await api.student()
    header, _, signature = student.token.split(".")
    forged = forge_token(student.id, "teacher").split(".")[1]
    token = f"{header}.{forged}.{signature}"
    fails(await api.request("POST", "/class", token, json={"className": "x"}), 401, UNAUTHORIZED)


# --- OAuth2 password flow ------------------------------------------------------------------------


async def test_oauth_token_is_outside_the_envelope(api: Api) -> None:
    teacher = await api.teacher()
    response = await oauth_token(
        api, grant_type="password", username=teacher.email, password=PASSWORD
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == {
        "access_token": body["access_token"],
        "token_type": "bearer",
        "user": me_view(teacher),
    }
    payload = jwt.decode(body["access_token"], JWT_SECRET, algorithms=["HS256"])
    assert (payload["userId"], payload["role"]) == (teacher.id, "teacher")
    me = await api.request("GET", "/auth/me", f"Bearer {body['access_token']}")
    assert ok(me) == me_view(teacher)


async def test_oauth_token_username_is_trimmed_and_case_insensitive(api: Api) -> None:
    student = await api.student()
    response = await oauth_token(api, username=f" {student.email.upper()} ", password=PASSWORD)
    assert response.status_code == 200, response.text
    assert response.json()["user"] == me_view(student)


async def test_oauth_token_with_wrong_password_is_400_envelope(api: Api) -> None:
    student = await api.student()
    response = await oauth_token(api, username=student.email, password="wrong-password")
    fails(response, 400, BAD_LOGIN)


async def test_oauth_token_with_unknown_user_is_400_envelope(api: Api) -> None:
    fails(await oauth_token(api, username=new_email(), password=PASSWORD), 400, BAD_LOGIN)


async def test_oauth_token_without_password_is_400_envelope(api: Api) -> None:
    fails(await oauth_token(api, username=new_email()), 400, SCHEMA)
