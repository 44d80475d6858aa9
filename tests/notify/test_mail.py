"""E-mail to guardians (docs/notify.md §3) through a real local SMTP receiver (aiosmtpd):
one message per guardian, absent student and day, and an outage delays, never loses."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from headcount.store.database import Database
from headcount.store.tables import OutboxMessage
from tests.contract.helpers import ok, run_session
from tests.support.backends import Backend
from tests.support.client import Account, Api
from tests.support.server import ServerProcess, free_port, start_server


class Inbox:
    def __init__(self) -> None:
        self.messages: list[Message] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(message_from_bytes(envelope.content))
        return "250 OK"

    async def wait_for(self, count: int) -> list[Message]:
        for _ in range(300):
            if len(self.messages) >= count:
                break
            await asyncio.sleep(0.1)
        assert len(self.messages) >= count, self.messages
        return self.messages


def smtp(inbox: Inbox, port: int) -> Controller:
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    return controller


@pytest.fixture
def mail_server(fresh_backend: Backend, tmp_path: Path) -> Iterator[tuple[ServerProcess, int]]:
    port = free_port()
    env = {"SMTP_URL": f"smtp://127.0.0.1:{port}", "MAIL_FROM": "roll@school.example.org"}
    with start_server(fresh_backend, tmp_path, env=env) as server:
        yield server, port


async def _family(api: Api) -> tuple[Account, Account, str, list[Account]]:
    """A guardian of the first of two students of one class, and its teacher."""
    admin = await api.admin()
    guardian = await api.account(admin, "guardian")
    teacher, class_id, students = await api.classroom(2)
    path = f"/admin/guardians/{guardian.id}/students/{students[0].id}"
    ok(await api.request("POST", path, f"Bearer {admin.token}"))
    return guardian, teacher, class_id, students


async def _mails_queued(url: str) -> int:
    db = Database(url)
    try:
        async with db.read() as conn:
            rows = await conn.scalars(
                select(OutboxMessage.id).where(OutboxMessage.recipient.is_not(None))
            )
            return len(rows.all())
    finally:
        await db.close()


async def test_a_guardian_hears_of_an_absence_once_a_day(
    mail_server: tuple[ServerProcess, int], fresh_backend: Backend
) -> None:
    server, port = mail_server
    inbox = Inbox()
    controller = smtp(inbox, port)
    try:
        async with Api(server) as api:
            guardian, teacher, class_id, (child, classmate) = await _family(api)
            await run_session(api, teacher, class_id, {classmate.id: "present"})
            (mail,) = await inbox.wait_for(1)
            assert mail["To"] == guardian.email and mail["From"] == "roll@school.example.org"
            assert child.name in mail["Subject"] and "Physics 101" in mail["Subject"]
            # Absent again the same day: no second message; present children none at all.
            await run_session(api, teacher, class_id, {})
            await run_session(api, teacher, class_id, {})
            assert await _mails_queued(fresh_backend.database_url) == 1
    finally:
        controller.stop()


async def test_an_smtp_outage_delays_and_never_loses(
    mail_server: tuple[ServerProcess, int], fresh_backend: Backend
) -> None:
    server, port = mail_server
    async with Api(server) as api:
        guardian, teacher, class_id, (child, classmate) = await _family(api)
        await run_session(api, teacher, class_id, {classmate.id: "late"})
        # The SMTP server is down: the first attempt fails and the message waits.
        db = Database(fresh_backend.database_url)
        try:
            for _ in range(300):
                async with db.read() as conn:
                    error = await conn.scalar(
                        select(OutboxMessage.last_error).where(OutboxMessage.recipient.is_not(None))
                    )
                if error:
                    break
                await asyncio.sleep(0.1)
        finally:
            await db.close()
        assert error and error.startswith(("SMTPConnect", "ConnectionRefused", "OSError"))
    inbox = Inbox()
    controller = smtp(inbox, port)
    try:
        (mail,) = await inbox.wait_for(1)
    finally:
        controller.stop()
    assert mail["To"] == guardian.email and child.name in mail["Subject"]
