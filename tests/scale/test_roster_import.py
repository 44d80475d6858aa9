"""An import's changes reach every process's sockets: the command and the route announce them
on the bus, so a socket on another process stops (or starts) hearing the class at once."""

from __future__ import annotations

from pathlib import Path

from tests.contract.roster_helpers import headcount, live_roster, make_district
from tests.scale.conftest import Cluster


async def test_an_import_on_one_process_moves_sockets_on_the_other(
    cluster: Cluster, tmp_path: Path
) -> None:
    district = make_district(cluster.servers[0], tmp_path)
    live = await live_roster(cluster.a, district.admin, district.sid)
    async with (
        await cluster.b.ws(live.enrolled) as leaving,
        await cluster.b.ws(live.waiting) as joining,
    ):
        response = await cluster.a.request(
            "POST", "/admin/rosters", district.admin.token, content=live.swap
        )
        assert response.status_code == 200, response.text
        await cluster.a.start(live.teacher, live.class_id)
        heard = await joining.receive()
        assert (heard["event"], heard["data"]["classId"]) == ("SESSION_STARTED", live.class_id)
        await leaving.expect_silence()


async def test_the_commands_import_reaches_running_processes(
    cluster: Cluster, tmp_path: Path
) -> None:
    district = make_district(cluster.servers[0], tmp_path)
    live = await live_roster(cluster.a, district.admin, district.sid)
    async with (
        await cluster.b.ws(live.enrolled) as leaving,
        await cluster.a.ws(live.waiting) as joining,
    ):
        path = tmp_path / "swap.zip"
        path.write_bytes(live.swap)
        result = headcount(cluster.servers[0], "roster", "import", str(path))
        assert result.returncode == 0, result.stderr
        await cluster.b.start(live.teacher, live.class_id)
        heard = await joining.receive()
        assert (heard["event"], heard["data"]["classId"]) == ("SESSION_STARTED", live.class_id)
        await leaving.expect_silence()
