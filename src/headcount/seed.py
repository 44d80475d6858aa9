"""Demo data for people trying Headcount: one teacher, one class, N students."""

from __future__ import annotations

import uuid

from headcount.domain.inputs import SignupInput
from headcount.security import Principal
from headcount.services import Services
from headcount.settings import Settings


async def seed_demo(settings: Settings, students: int, password: str) -> list[str]:
    services = Services.build(settings)
    await services.start()
    try:
        tag = uuid.uuid4().hex[:6]
        teacher = await services.accounts.signup(
            SignupInput(
                name="Demo Teacher",
                email=f"teacher-{tag}@demo.headcount",
                password=password,
                role="teacher",
            ),
            None,
        )
        owner = Principal(uuid.UUID(teacher["id"]), "teacher")
        created = await services.classes.create(owner, f"Demo class {tag}")
        lines = [
            f"class    {created['className']}  id={created['id']}",
            f"teacher  {teacher['email']}  password={password}",
        ]
        for number in range(1, students + 1):
            student = await services.accounts.signup(
                SignupInput(
                    name=f"Demo Student {number}",
                    email=f"student{number}-{tag}@demo.headcount",
                    password=password,
                    role="student",
                ),
                None,
            )
            await services.rosters.enrol(owner, created["id"], [uuid.UUID(student["id"])])
            lines.append(f"student  {student['email']}  password={password}")
        return lines
    finally:
        await services.close()
