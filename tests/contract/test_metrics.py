"""SPEC §9: Prometheus metrics, open by default, behind a bearer token when configured."""

from __future__ import annotations

import re
from pathlib import Path

from tests.support.backends import Backend
from tests.support.client import Api
from tests.support.server import start_server


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample, its labels given in any order; 0 for a labelled series not yet
    touched, which prometheus-client does not list."""
    for line in text.splitlines():
        if not line.startswith((name + "{", name + " ")):
            continue
        found = dict(re.findall(r'(\w+)="([^"]*)"', line.partition("{")[2].split("}")[0]))
        if all(found.get(key) == value for key, value in labels.items()):
            return float(line.rsplit(" ", 1)[1])
    return 0.0


async def scrape(api: Api) -> str:
    response = await api.http.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return response.text


def counts(text: str) -> dict[str, float]:
    """What one mark over /ws after one GET /auth/me moves. The server is shared by the whole
    session, so a test sees what it did only as the difference between two scrapes."""
    return {
        "me": sample(text, "headcount_http_requests_total", route="/auth/me", status="200"),
        "sockets": sample(text, "headcount_open_connections", transport="ws"),
        "marks": sample(text, "headcount_marks_total", source="ws", applied="true"),
        "marks in": sample(
            text, "headcount_live_messages_total", direction="in", event="ATTENDANCE_MARKED"
        ),
        "broadcasts": sample(text, "headcount_broadcast_fanout_seconds_count"),
    }


async def test_metrics_count_requests_connections_and_marks(api: Api) -> None:
    teacher, class_id, (student,) = await api.classroom(1)
    await api.start(teacher, class_id)
    before = counts(await scrape(api))
    await api.request("GET", "/auth/me", teacher.token)
    async with await api.ws(teacher) as socket:
        await socket.request("ATTENDANCE_MARKED", {"studentId": student.id, "status": "late"})
        text = await scrape(api)
    after = counts(text)
    assert {key: after[key] - before[key] for key in before} == dict.fromkeys(before, 1)
    assert "process_resident_memory_bytes" in text


async def test_a_metrics_token_guards_the_page(backend: Backend, tmp_path: Path) -> None:
    token = "scrape-" + "x" * 24
    with start_server(backend, tmp_path, env={"METRICS_TOKEN": token}) as server:
        async with Api(server) as api:
            refused = await api.http.get("/metrics")
            wrong = await api.http.get("/metrics", headers={"Authorization": "Bearer nope"})
            allowed = await api.http.get("/metrics", headers={"Authorization": f"Bearer {token}"})
    for response in (refused, wrong):
        assert response.status_code == 401
        assert response.json()["error"] == "Unauthorized, token missing or invalid"
    assert allowed.status_code == 200 and "headcount_http_requests_total" in allowed.text
