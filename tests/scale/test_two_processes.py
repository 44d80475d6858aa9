"""Many processes, one service: PostgreSQL holds the truth, Redis carries broadcasts and cache."""

from __future__ import annotations

import asyncio
import itertools
import json
from pathlib import Path
from typing import cast

import orjson
from redis import Redis

from tests.conftest import require
from tests.contract.helpers import run_session
from tests.scale.conftest import Cluster
from tests.support.backends import Backend
from tests.support.client import Api, Socket
from tests.support.processes import holder
from tests.support.redis_server import PrivateRedis
from tests.support.server import ServerProcess, start_server
from tests.support.socketio_client import Client


def marked(class_id: str, student_id: str, status: str) -> dict[str, object]:
    return {
        "event": "ATTENDANCE_MARKED",
        "data": {"classId": class_id, "studentId": student_id, "status": status},
    }


async def test_a_mark_on_either_process_reaches_the_other(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    async with await cluster.a.ws(teacher) as on_a, await cluster.b.ws(student) as on_b:
        await on_a.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "present"})
        assert await on_a.receive() == marked(class_id, student.id, "present")
        assert await on_b.receive() == marked(class_id, student.id, "present")
    async with await cluster.b.ws(teacher) as on_b, await cluster.a.ws(student) as on_a:
        await on_b.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
        assert await on_a.receive() == marked(class_id, student.id, "late")


async def test_a_rest_mark_reaches_sockets_on_both_processes(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    async with await cluster.a.ws(student) as on_a, await cluster.b.ws(teacher) as on_b:
        body = {"classId": class_id, "studentId": student.id, "status": "excused"}
        response = await cluster.b.request("POST", "/attendance/mark", teacher.token, json=body)
        assert response.status_code == 200
        for socket in (on_a, on_b):
            assert await socket.receive() == marked(class_id, student.id, "excused")


async def test_a_student_enrolled_on_one_process_hears_marks_from_the_other(
    cluster: Cluster,
) -> None:
    teacher, class_id, _ = await cluster.a.classroom(0)
    student = await cluster.a.student()
    await cluster.a.start(teacher, class_id)
    async with await cluster.b.ws(student) as on_b:
        await cluster.a.enroll(teacher, class_id, student)
        await asyncio.sleep(0.2)  # the enrolment news crosses the bus before the mark
        body = {"classId": class_id, "studentId": student.id, "status": "present"}
        await cluster.a.request("POST", "/attendance/mark", teacher.token, json=body)
        assert await on_b.receive() == marked(class_id, student.id, "present")


async def _written(redis: Redis, key: str) -> bytes:
    """The cache entry, once the writer behind the mark has put it (cache_writer.py): a mark
    is acknowledged when it is committed, not when Redis has it."""
    for _ in range(100):
        value = redis.get(key)
        if value is not None:
            return cast(bytes, value)
        await asyncio.sleep(0.05)
    raise AssertionError(f"{key} never reached Redis")


async def test_cache_entries_live_in_redis_with_their_ttl(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    body = {"classId": class_id, "studentId": student.id, "status": "late", "ttl": 120}
    receipt = (
        await cluster.a.request("POST", "/attendance/mark", teacher.token, json=body)
    ).json()["data"]
    redis = cluster.redis.client()
    key = receipt["cacheKey"]
    assert key == f"attendance_{class_id}_{student.id}_{receipt['timestamp'][:10]}"
    assert orjson.loads(await _written(redis, key)) == {
        "status": "late",
        "timestamp": receipt["timestamp"],
    }
    assert 0 < redis.ttl(key) <= 120
    day = await cluster.b.request(
        "GET", f"/attendance/student?classId={class_id}&studentId={student.id}", student.token
    )
    assert day.json()["data"]["source"] == "cache"
    gone = await cluster.b.request(
        "DELETE", f"/attendance/invalidate/class/{class_id}", teacher.token
    )
    assert gone.json() == {"success": True, "data": {"invalidated": 1}}
    assert redis.get(key) is None


async def _received_within(socket: Socket, seconds: float) -> dict[str, object] | None:
    try:
        return await socket.receive(seconds)
    except TimeoutError:
        return None


async def test_redis_outage_loses_no_mark_and_heals_by_itself(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    async with (
        await cluster.a.ws(teacher) as teacher_a,
        await cluster.a.ws(student) as student_a,
        await cluster.b.ws(student) as student_b,
    ):
        cluster.redis.stop()
        await teacher_a.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "absent"})
        # Each process still serves its own sockets.
        assert await teacher_a.receive() == marked(class_id, student.id, "absent")
        assert await student_a.receive() == marked(class_id, student.id, "absent")
        # The mark is stored: reads fall back to the database on either process.
        for api in (cluster.a, cluster.b):
            day = await api.request(
                "GET",
                f"/attendance/student?classId={class_id}&studentId={student.id}",
                student.token,
            )
            assert day.status_code == 200
            assert (day.json()["data"]["status"], day.json()["data"]["source"]) == (
                "absent",
                "database",
            )
        cluster.redis.start()
        # Cross-process delivery comes back without restarting anything.
        healed = None
        for _ in range(60):
            await teacher_a.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
            await teacher_a.receive()
            await student_a.receive()
            while (message := await _received_within(student_b, 0.25)) is not None:
                if json.dumps(message) == json.dumps(marked(class_id, student.id, "late")):
                    healed = message
            if healed:
                break
        assert healed == marked(class_id, student.id, "late")


async def test_a_correction_on_one_process_is_heard_on_the_other(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    done = await run_session(cluster.a, teacher, class_id)
    async with await cluster.b.ws(student) as on_b:
        await asyncio.sleep(0.2)  # b subscribes to the class's channel when the socket joins
        at = f"/class/{class_id}/sessions/{done.session_id}/attendance/{student.id}"
        body = {"status": "present", "reason": "Was in the library"}
        response = await cluster.a.request("PATCH", at, teacher.token, json=body)
        assert response.status_code == 200, response.text
        heard = await on_b.receive()
        assert heard["event"] == "ATTENDANCE_AMENDED"
        assert (heard["data"]["status"], heard["data"]["previousStatus"]) == ("present", "absent")


async def test_ready_again_only_once_other_processes_are_heard(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    async with await cluster.a.ws(teacher) as teacher_a, await cluster.b.ws(student) as student_b:
        cluster.redis.stop()
        for api in (cluster.a, cluster.b):
            assert (await api.http.get("/readyz")).status_code == 503
        # A broadcast that cannot reach Redis in time is given up, and counted.
        await teacher_a.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "absent"})
        dropped = 'headcount_bus_messages_dropped_total{reason="stale"} 1.0'
        for _ in range(100):
            if dropped in (await cluster.a.http.get("/metrics")).text:
                break
            await asyncio.sleep(0.1)
        assert dropped in (await cluster.a.http.get("/metrics")).text
        cluster.redis.start()
        for _ in range(100):
            if (await cluster.b.http.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        assert (await cluster.b.http.get("/readyz")).status_code == 200
        # Ready means subscribed: the first mark after it crosses, with no retry.
        await teacher_a.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
        assert await student_b.receive() == marked(class_id, student.id, "late")


async def test_workers_of_one_server_behave_as_one_service(
    tmp_path: Path, private_redis: PrivateRedis
) -> None:
    """`serve --workers 3`: a mark sent to one worker reaches the sockets that other workers
    hold, as the kernel shows which worker accepted each connection."""
    require("postgres")
    with (
        Backend.create("postgres", tmp_path) as backend,
        start_server(
            backend,
            tmp_path,
            # Every student hears every mark, so each worker's sockets have one to hear.
            env={"REDIS_URL": private_redis.url, "LIVE_MARKS": "class"},
            args=["--workers", "3"],
        ) as server,
    ):
        async with Api(server) as api:
            teacher, class_id, students = await api.classroom(6)
            await api.start(teacher, class_id)
            marker = await api.ws(teacher)
            sockets: list[Socket] = []
            try:
                marker_worker = worker_of(server, marker)
                elsewhere = 0
                # The kernel hands each connection to whichever worker accepts first, so keep
                # connecting until some student's socket lands on another worker.
                for student in itertools.islice(itertools.cycle(students), 60):
                    sockets.append(await api.ws(student))
                    elsewhere += worker_of(server, sockets[-1]) != marker_worker
                    if elsewhere and len(sockets) >= len(students):
                        break
                assert elsewhere, f"{len(sockets)} sockets, all on worker {marker_worker}"
                # Each worker subscribes to the class's channel when its first socket joins.
                await asyncio.sleep(0.3)
                mark = {"studentId": students[0].id, "status": "present"}
                await marker.send("ATTENDANCE_MARKED", mark)
                assert await marker.receive() == marked(class_id, students[0].id, "present")
                for socket in sockets:
                    assert await socket.receive() == marked(class_id, students[0].id, "present")
            finally:
                for socket in [marker, *sockets]:
                    await socket.close()


def worker_of(server: ServerProcess, socket: Socket) -> int:
    assert server.process is not None
    return holder(server.process.pid, server.port, socket.connection.local_address[1])


async def test_socketio_listeners_hear_each_mark_once_across_processes(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    on_a, on_b, marker = Client(), Client(), Client()
    await on_a.connect(cluster.servers[0].base_url, {"token": teacher.token})
    await on_b.connect(cluster.servers[1].base_url, {"token": student.token})
    await marker.connect(cluster.servers[1].base_url, {"token": teacher.token})
    try:
        for client in (on_a, on_b):
            assert await client.call("subscribeToClass", {"classId": class_id}) == {"success": True}
        await asyncio.sleep(0.2)
        async with await cluster.a.ws(teacher) as socket:
            await socket.send("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
            await socket.receive()
        body = {"classId": class_id, "studentId": student.id, "status": "present"}
        ack = await marker.call("markAttendance", body)
        assert ack["success"] is True
        expected = [
            ("attendanceUpdate", {"classId": class_id, "studentId": student.id, "status": s})
            for s in ("late", "present")
        ]
        for client in (on_a, on_b):
            assert [await client.next(), await client.next()] == expected
            await client.nothing_more()
    finally:
        for client in (on_a, on_b, marker):
            await client.sio.disconnect()


async def test_rate_limits_are_shared_by_all_processes(
    tmp_path: Path, private_redis: PrivateRedis
) -> None:
    require("postgres")
    env = {"REDIS_URL": private_redis.url, "RATE_LIMIT_LOGIN_EMAIL": "3/minute"}
    with (
        Backend.create("postgres", tmp_path) as backend,
        start_server(backend, tmp_path, env=env) as first,
        start_server(backend, tmp_path, env=env) as second,
    ):
        async with Api(first) as a, Api(second) as b:
            victim = await a.teacher()
            wrong = {"email": victim.email, "password": "wrong-password"}
            for api in (a, b, a):
                assert (await api.http.post("/auth/login", json=wrong)).status_code == 400
            refused = await b.http.post("/auth/login", json=wrong)
    assert refused.status_code == 429
    assert refused.json()["error"] == "Too many requests"


async def test_a_code_shown_by_one_process_checks_in_on_the_other(cluster: Cluster) -> None:
    teacher, class_id, (student,) = await cluster.a.classroom(1)
    await cluster.a.start(teacher, class_id)
    shown = await cluster.a.request("GET", f"/attendance/code?classId={class_id}", teacher.token)
    async with await cluster.a.ws(teacher) as on_a:
        body = {"classId": class_id, "code": shown.json()["data"]["code"]}
        answer = await cluster.b.request("POST", "/attendance/check-in", student.token, json=body)
        assert answer.json()["data"] == {"classId": class_id, "status": "present"}
        assert await on_a.receive() == marked(class_id, student.id, "present")
