"""One district load-client process: a share of a district's sockets, teachers' and students',
on any of the servers; the teachers here mark their classes when the runner says so.

    python -m bench.district_load SOCKETS_FILE

SOCKETS_FILE has one socket a line: `url classId role [studentId,studentId,...]` followed by
the token; a teacher's line lists its class's students. Prints `READY <n>` once every socket is
open, then obeys the runner's commands on stdin until stdin closes:

- `STEP <seconds> <status>`: each teacher here marks each of its students once, evenly spread
  over `seconds` from a random phase, printing `SENT <studentId> <time>` per mark, then sends
  `DONE`; `STEPPED` once every teacher here has.
- `COUNT`: prints `DONES <n> <errors>`, the `DONE` and `ERROR` frames heard since the step
  began.

Meanwhile `MARK <studentId> <time>` says that every socket here of the student's class has heard
the student's mark in this step, the time being the last receipt; `CLOSED <n>` counts sockets the
server closed, `ERROR <message>` reports an error frame (the first few of a step). Times are
CLOCK_MONOTONIC, one clock for all processes, so the runner compares sends with receipts.
"""

from __future__ import annotations

import asyncio
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass

import orjson
import uvloop

from bench.wsload import CONNECTS_AT_ONCE, Receipts, Student, emit, open_socket, stdin_lines

ERRORS_SHOWN = 5


@dataclass(frozen=True)
class Line:
    url: str
    class_id: str
    role: str
    students: list[str]

    @classmethod
    def parse(cls, text: str) -> Line:
        url, class_id, role, *rest = text.split()
        students = rest[0].split(",") if role == "teacher" else []
        return cls(f"{url}?token={rest[-1]}", class_id, role, students)


class ClassReceipts(Receipts):
    """Receipts counted per class: a mark is complete here when every socket of its class here
    has heard it."""

    def __init__(self, per_class: Counter[str]) -> None:
        super().__init__()
        self.per_class = per_class
        self.marks: defaultdict[str, int] = defaultdict(int)
        self.dones = 0
        self.errors = 0

    def step(self) -> None:
        self.marks.clear()  # a frame missed in an earlier step must not complete a later mark
        self.dones = self.errors = 0

    def record(self, frame: bytes | bytearray, at: float) -> None:
        message = orjson.loads(frame)
        event, data = message.get("event"), message.get("data") or {}
        if event == "ATTENDANCE_MARKED":
            student = data["studentId"]
            self.marks[student] += 1
            if self.marks[student] == self.per_class[data["classId"]]:
                del self.marks[student]
                emit(f"MARK {student} {at:.6f}")
        elif event == "DONE":
            self.dones += 1
        elif event == "ERROR":
            self.errors += 1
            if self.errors <= ERRORS_SHOWN:
                emit(f"ERROR {data.get('message')}")


async def teach(teacher: Student, line: Line, seconds: float, status: str) -> None:
    """Mark the class's students one by one, evenly over `seconds`, then send `DONE`."""
    gap = seconds / len(line.students)
    start = time.monotonic() + random.uniform(0, gap)
    for n, student in enumerate(line.students):
        await asyncio.sleep(max(0.0, start + n * gap - time.monotonic()))
        data = {"studentId": student, "status": status, "classId": line.class_id}
        teacher.send_text(orjson.dumps({"event": "ATTENDANCE_MARKED", "data": data}).decode())
        emit(f"SENT {student} {time.monotonic():.6f}")
    await asyncio.sleep(gap)
    teacher.send_text(orjson.dumps({"event": "DONE", "data": {"classId": line.class_id}}).decode())


async def main(lines: list[Line]) -> None:
    receipts = ClassReceipts(Counter(line.class_id for line in lines))
    gate = asyncio.Semaphore(CONNECTS_AT_ONCE)
    sockets = await asyncio.gather(*(open_socket(line.url, receipts, gate) for line in lines))
    receipts.sockets = len(sockets)
    teachers = [(s, line) for s, line in zip(sockets, lines, strict=True) if line.role == "teacher"]
    emit(f"READY {len(sockets)}")
    async for command in stdin_lines():
        word, *args = command.split()
        if word == "STEP":
            receipts.step()
            await asyncio.gather(*(teach(s, line, float(args[0]), args[1]) for s, line in teachers))
            emit("STEPPED")
        elif word == "COUNT":
            emit(f"DONES {receipts.dones} {receipts.errors}")
    receipts.ending = True
    for student in sockets:
        if student.transport is not None:
            student.transport.abort()


if __name__ == "__main__":
    with open(sys.argv[1]) as handle:
        parsed = [Line.parse(text) for text in handle if text.strip()]
    uvloop.run(main(parsed))
