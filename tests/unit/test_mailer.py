"""mailer.py: the absence e-mail built from an outbox payload."""

from __future__ import annotations

from datetime import UTC, datetime

from headcount.domain.outbox import body
from headcount.mailer import Mailer, message

DATA = {
    "studentId": "s",
    "studentName": "Ada",
    "classId": "c",
    "className": "Physics",
    "day": "2026-12-01",
}


def test_the_message_names_the_student_class_and_day() -> None:
    mail = message(
        "from@example.org", "parent@example.org", body("student.absent", DATA, datetime.now(UTC))
    )
    assert mail["Subject"] == "Ada was absent from Physics on 2026-12-01"
    assert mail["To"] == "parent@example.org" and mail["From"] == "from@example.org"
    assert "Ada was marked absent" in mail.get_content()


async def test_without_smtp_url_nothing_is_sent_and_the_row_waits() -> None:
    sent = await Mailer(None, "from@example.org", 1).send(
        "p@example.org", body("student.absent", DATA, datetime.now(UTC))
    )
    assert sent == (None, "SMTP_URL is not set")
