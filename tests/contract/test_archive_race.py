"""docs/roster.md §5: archiving and starting a roll call at once leave no roll call running in
an archived class: one of the two is refused."""

from __future__ import annotations

import asyncio

from tests.contract.helpers import fails
from tests.support.client import Api


async def test_archive_and_start_at_once_never_both_succeed(api: Api) -> None:
    teacher = await api.teacher()
    for _ in range(15):
        class_id = await api.create_class(teacher)
        archive, start = await asyncio.gather(
            api.request("DELETE", f"/class/{class_id}", teacher.token),
            api.request("POST", "/attendance/start", teacher.token, json={"classId": class_id}),
        )
        if archive.status_code == 200:
            fails(start, 409, "Class is archived")
        else:
            fails(archive, 409, "Attendance session in progress")
            assert start.status_code == 200, start.text
