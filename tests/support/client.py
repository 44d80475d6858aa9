"""A thin HTTP and WebSocket client for tests: real sockets, no shortcuts into the app."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx
import websockets
from websockets.asyncio.client import ClientConnection

from tests.support.server import ServerProcess

_counter = itertools.count()
PASSWORD = "secret-pass"


@dataclass
class Account:
    id: str
    name: str
    email: str
    role: str
    password: str
    token: str

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


class Api:
    """httpx against the server, plus shortcuts that build the usual fixtures through the API."""

    def __init__(self, server: ServerProcess) -> None:
        self.server = server
        self.http = httpx.AsyncClient(base_url=server.base_url, timeout=15)

    async def __aenter__(self) -> Api:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.http.aclose()

    async def request(
        self, method: str, path: str, token: str | None = None, **kwargs: Any
    ) -> httpx.Response:
        headers = dict(kwargs.pop("headers", {}))
        if token is not None:
            headers["Authorization"] = token
        return await self.http.request(method, path, headers=headers, **kwargs)

    async def signup(self, role: str, name: str | None = None, email: str | None = None) -> Account:
        n = next(_counter)
        name = name or f"{role.title()} {n}"
        email = email or f"{role}-{n}-{id(self)}@school.example.com"
        response = await self.http.post(
            "/auth/signup", json={"name": name, "email": email, "password": PASSWORD, "role": role}
        )
        assert response.status_code == 201, response.text
        user = response.json()["data"]
        login = await self.http.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return Account(user["id"], name, email, role, PASSWORD, login.json()["data"]["token"])

    async def teacher(self) -> Account:
        return await self.signup("teacher")

    async def student(self) -> Account:
        return await self.signup("student")

    async def login(self, user_id: str, name: str, email: str, role: str) -> Account:
        login = await self.http.post("/auth/login", json={"email": email, "password": PASSWORD})
        assert login.status_code == 200, login.text
        return Account(user_id, name, email, role, PASSWORD, login.json()["data"]["token"])

    async def admin(self) -> Account:
        """An administrator of the default school, made the only way there is: on the server."""
        n = next(_counter)
        name, email = f"Admin {n}", f"admin-{n}-{id(self)}@school.example.com"
        command = [sys.executable, "-m", "headcount", "admin", "create"]
        command += ["--email", email, "--name", name, "--password", PASSWORD]
        done = await asyncio.to_thread(
            subprocess.run, command, env=self.server.env, capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr.decode()
        user_id = done.stdout.decode().split("id=", 1)[1].split()[0]
        return await self.login(user_id, name, email, "admin")

    async def account(self, admin: Account, role: str) -> Account:
        """An account an administrator creates, with a password, logged in."""
        n = next(_counter)
        name, email = f"{role.title()} {n}", f"{role}-{n}-{id(self)}@school.example.com"
        body = {"name": name, "email": email, "role": role, "password": PASSWORD}
        created = await self.request("POST", "/admin/users", f"Bearer {admin.token}", json=body)
        assert created.status_code == 201, created.text
        return await self.login(created.json()["data"]["id"], name, email, role)

    async def create_class(self, teacher: Account, name: str = "Physics 101") -> str:
        response = await self.request("POST", "/class", teacher.token, json={"className": name})
        assert response.status_code == 201, response.text
        return str(response.json()["data"]["id"])

    async def enroll(self, teacher: Account, class_id: str, student: Account) -> None:
        response = await self.request(
            "POST", f"/class/{class_id}/add-student", teacher.token, json={"studentId": student.id}
        )
        assert response.status_code == 200, response.text

    async def start(self, teacher: Account, class_id: str) -> dict[str, Any]:
        response = await self.request(
            "POST", "/attendance/start", teacher.token, json={"classId": class_id}
        )
        assert response.status_code == 200, response.text
        return dict(response.json()["data"])

    async def classroom(self, students: int = 2) -> tuple[Account, str, list[Account]]:
        """A teacher, one class of theirs and `students` enrolled students."""
        teacher = await self.teacher()
        class_id = await self.create_class(teacher)
        enrolled = [await self.student() for _ in range(students)]
        for student in enrolled:
            await self.enroll(teacher, class_id, student)
        return teacher, class_id, enrolled

    async def ws(self, account: Account | None = None, token: str | None = None) -> Socket:
        query = (
            f"?token={token if token is not None else account.token}" if (account or token) else ""
        )
        connection = await websockets.connect(self.server.ws_url + query, max_size=None)
        return Socket(connection)


class Socket:
    """A WebSocket client that speaks the {event, data} envelope."""

    def __init__(self, connection: ClientConnection) -> None:
        self.connection = connection

    async def send(self, event: str, data: dict[str, Any] | None = None) -> None:
        message: dict[str, Any] = {"event": event}
        if data is not None:
            message["data"] = data
        await self.connection.send(json.dumps(message))

    async def send_raw(self, raw: str | bytes) -> None:
        await self.connection.send(raw)

    async def receive(self, wait: float = 5.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.connection.recv(), wait)
        message = json.loads(raw)
        assert isinstance(message, dict)
        return message

    async def request(self, event: str, data: dict[str, Any] | None = None) -> dict[str, Any]:
        await self.send(event, data)
        return await self.receive()

    async def expect_silence(self, seconds: float = 0.3) -> None:
        try:
            raw = await asyncio.wait_for(self.connection.recv(), seconds)
        except TimeoutError:
            return
        raise AssertionError(f"unexpected message: {raw!r}")

    async def close(self) -> None:
        await self.connection.close()

    async def __aenter__(self) -> Socket:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
