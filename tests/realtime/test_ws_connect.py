"""§5 connect: a token in the query or an Authorization header; a bad one is told, then closed."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
from collections.abc import Callable

import pytest
from websockets.exceptions import ConnectionClosed

from tests.realtime.helpers import (
    NOT_YET_UPDATED,
    POLICY_VIOLATION,
    UNAUTHORIZED,
    Sockets,
    all_silent,
    claims,
    error,
    expect_close,
    mark_request,
    my_attendance,
    open_room,
    random_id,
    summary,
    token_for,
)
from tests.support.client import Account, Api

Credentials = tuple[str, dict[str, str]]
HowToSend = Callable[[Account], Credentials]

ACCEPTED: dict[str, HowToSend] = {
    "query": lambda a: (f"?token={a.token}", {}),
    "header-bare": lambda a: ("", {"Authorization": a.token}),
    "header-bearer": lambda a: ("", {"Authorization": f"Bearer {a.token}"}),
    "header-bearer-lower-case": lambda a: ("", {"Authorization": f"bearer {a.token}"}),
    "header-bearer-upper-case": lambda a: ("", {"Authorization": f"BEARER {a.token}"}),
}


def _forged_role(account: Account) -> str:
    """The account's real token with its payload rewritten to claim the other role."""
    header, _, signature = account.token.split(".")
    payload = claims(account)
    payload["role"] = "teacher" if account.role == "student" else "student"
    body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def _without_user_id(account: Account) -> str:
    payload = claims(account)
    del payload["userId"]
    return token_for(payload)


REJECTED: dict[str, HowToSend] = {
    "no-token": lambda a: ("", {}),
    "empty-query-token": lambda a: ("?token=", {}),
    "garbage-query-token": lambda a: ("?token=not-a-jwt", {}),
    "garbage-header": lambda a: ("", {"Authorization": "not-a-jwt"}),
    "garbage-bearer-header": lambda a: ("", {"Authorization": "Bearer not-a-jwt"}),
    "bearer-without-token": lambda a: ("", {"Authorization": "Bearer"}),
    "other-scheme": lambda a: ("", {"Authorization": f"Basic {a.token}"}),
    "wrong-secret": lambda a: (
        f"?token={token_for(claims(a), 'another-secret-0123456789-0123456789-01234')}",
        {},
    ),
    "expired": lambda a: (f"?token={token_for(claims(a, lifetime=-60))}", {}),
    "missing-user-id": lambda a: (f"?token={_without_user_id(a)}", {}),
    "tampered-payload": lambda a: (f"?token={_forged_role(a)}", {}),
}


@pytest.mark.parametrize("how", ACCEPTED.values(), ids=ACCEPTED.keys())
async def test_teacher_token_is_accepted(api: Api, sockets: Sockets, how: HowToSend) -> None:
    room = await open_room(api)
    query, headers = how(room.teacher)
    teacher = await sockets.connect(query, headers)

    await teacher.expect_silence()
    assert await teacher.request("TODAY_SUMMARY") == summary(room.class_id)


@pytest.mark.parametrize("how", ACCEPTED.values(), ids=ACCEPTED.keys())
async def test_student_token_is_accepted(api: Api, sockets: Sockets, how: HowToSend) -> None:
    room = await open_room(api)
    query, headers = how(room.students[0])
    student = await sockets.connect(query, headers)

    await student.expect_silence()
    reply = await student.request("MY_ATTENDANCE")
    assert reply == my_attendance(room.class_id, NOT_YET_UPDATED)


@pytest.mark.parametrize("how", REJECTED.values(), ids=REJECTED.keys())
async def test_bad_token_gets_error_then_policy_close(
    api: Api, sockets: Sockets, how: HowToSend
) -> None:
    student = await api.student()
    query, headers = how(student)

    sock = await sockets.connect(query, headers)

    assert await sock.receive() == error(UNAUTHORIZED)
    await expect_close(sock, POLICY_VIOLATION)


async def test_bad_token_is_closed_even_when_the_client_speaks_first(
    api: Api, sockets: Sockets
) -> None:
    sock = await sockets.connect("?token=not-a-jwt")
    with contextlib.suppress(ConnectionClosed):
        await sock.send("TODAY_SUMMARY")

    assert await sock.receive() == error(UNAUTHORIZED)
    await expect_close(sock, POLICY_VIOLATION)


async def test_nothing_is_sent_on_connect_during_a_live_session(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=2)
    marker = await sockets.open(room.teacher)
    await marker.send("ATTENDANCE_MARKED", mark_request(room.students[0], "present"))
    assert (await marker.receive())["event"] == "ATTENDANCE_MARKED"

    newcomers = [
        await sockets.open(room.teacher),
        await sockets.open(room.students[0]),
        await sockets.open(room.students[1]),
    ]

    await all_silent(newcomers, 0.5)


async def test_nothing_is_sent_on_connect_without_a_session(api: Api, sockets: Sockets) -> None:
    room = await open_room(api, students=1, start=False)

    newcomers = [await sockets.open(room.teacher), await sockets.open(room.students[0])]

    await all_silent(newcomers, 0.5)


async def test_a_socket_is_closed_when_its_token_expires(api: Api, sockets: Sockets) -> None:
    student = await api.student()
    sock = await sockets.connect(f"?token={token_for(claims(student, lifetime=2))}")
    await sock.send("TODAY_SUMMARY")
    assert (await sock.receive())["event"] == "ERROR"  # not enrolled, but heard: still open
    # The token's end reaches the open connection without the client doing anything.
    assert await sock.receive(wait=5.0) == error(UNAUTHORIZED)
    await expect_close(sock, POLICY_VIOLATION)


async def test_sockets_refused_during_setup_give_their_turn_back(
    api: Api, sockets: Sockets
) -> None:
    """Setups run a few at a time (ws.SETUPS_AT_ONCE); three times that many refused in the
    middle of theirs (a signed token whose account does not exist) must leave every turn to
    the good sockets opening beside them and to one opened after."""
    teacher, class_id, _ = await api.classroom(1)
    await api.start(teacher, class_id)
    ghosts = [token_for({**claims(teacher), "userId": random_id()}) for _ in range(24)]
    refused, accepted = await asyncio.gather(
        asyncio.gather(*(sockets.connect(f"?token={ghost}") for ghost in ghosts)),
        asyncio.gather(*(sockets.open(teacher) for _ in range(12))),
    )
    for sock in refused:
        assert await sock.receive() == error(UNAUTHORIZED)
        await expect_close(sock, POLICY_VIOLATION)
    for sock in [*accepted, await sockets.open(teacher)]:
        reply = await sock.request("SESSION_STATE", {"classId": class_id})
        assert reply["event"] == "SESSION_STATE", reply
