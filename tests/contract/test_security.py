"""Security edges: headers, browser origins on /ws, tokens whose account is gone."""

from __future__ import annotations

import uuid

import pytest
import websockets
from sqlalchemy import delete

from headcount.store.database import Database
from headcount.store.tables import User
from tests.support.client import Api


async def test_security_headers_on_api_and_pages(api: Api) -> None:
    for path in ("/healthz", "/no-such-route"):
        response = await api.http.get(path)
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["referrer-policy"] == "no-referrer"
        assert response.headers["content-security-policy"].startswith("default-src 'none'")
    docs = await api.http.get("/docs")
    assert docs.status_code == 200
    policy = docs.headers["content-security-policy"]
    assert policy.startswith("default-src 'self'")  # Swagger UI is served from here, no CDN
    assert "unsafe-inline" not in policy and "https:" not in policy


async def test_a_foreign_browser_origin_cannot_open_a_socket(api: Api) -> None:
    teacher = await api.teacher()
    url = f"{api.server.ws_url}?token={teacher.token}"
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(url, origin=websockets.Origin("https://evil.example"))
    assert refused.value.response.status_code == 403
    for origin in ("http://localhost:5173", f"http://127.0.0.1:{api.server.port}"):
        async with websockets.connect(url, origin=websockets.Origin(origin)) as socket:
            await socket.send('{"event":"TODAY_SUMMARY"}')
            assert "No active attendance session" in str(await socket.recv())


async def test_a_deleted_account_s_token_is_refused(api: Api) -> None:
    gone = await api.teacher()
    database = Database(api.server.backend.database_url)
    try:
        async with database.write() as conn:
            await conn.execute(delete(User).where(User.id == uuid.UUID(gone.id)))
    finally:
        await database.close()
    me = await api.request("GET", "/auth/me", gone.token)
    assert (me.status_code, me.json()) == (404, {"success": False, "error": "User not found"})
    created = await api.request("POST", "/class", gone.token, json={"className": "Ghost"})
    assert created.status_code == 401
    assert created.json()["error"] == "Unauthorized, token missing or invalid"
    async with await api.ws(gone) as socket:
        assert await socket.receive() == {
            "event": "ERROR",
            "data": {"message": "Unauthorized or invalid token"},
        }


async def test_nul_characters_are_refused_not_stored(api: Api) -> None:
    teacher = await api.teacher()
    bad = {
        "name": "A\u0000B",
        "email": "nul@x.example.com",
        "password": "secret-1",
        "role": "student",
    }
    attempts = [
        await api.http.post("/auth/signup", json=bad),
        await api.http.post("/auth/login", json={"email": "a@b.c\u0000", "password": "x"}),
        await api.http.post("/auth/token", data={"username": "\u0000", "password": ""}),
        await api.request("GET", "/students?q=%00", teacher.token),
        await api.request("GET", "/students?offset=9223372036854775808", teacher.token),
    ]
    for response in attempts:
        assert (response.status_code, response.json()) == (
            400,
            {"success": False, "error": "Invalid request schema"},
        ), response.request.url


async def test_the_web_app_is_served_fresh_under_a_strict_policy(api: Api) -> None:
    page = await api.http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert page.headers["cache-control"] == "no-cache"
    assert "script-src" not in page.headers["content-security-policy"]  # 'self' only
    assert (await api.http.head("/")).status_code == 200
    asset = await api.http.get("/static/app.css")
    assert asset.status_code == 200 and asset.headers["cache-control"] == "no-cache"
    missing = await api.http.get("/static/no-such-file.js")
    assert (missing.status_code, missing.json()) == (404, {"success": False, "error": "Not found"})
