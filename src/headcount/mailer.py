"""E-mail to guardians through any SMTP server (`SMTP_URL`, docs/notify.md §3)."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Any
from urllib.parse import unquote, urlsplit

import aiosmtplib
import orjson


def message(sender: str, recipient: str, payload: str) -> EmailMessage:
    """The e-mail for an outbox row's `student.absent` payload."""
    data: dict[str, Any] = orjson.loads(payload)["data"]
    mail = EmailMessage()
    mail["From"] = sender
    mail["To"] = recipient
    mail["Subject"] = f"{data['studentName']} was absent from {data['className']} on {data['day']}"
    mail.set_content(
        f"{data['studentName']} was marked absent when the roll call of {data['className']} "
        f"finished on {data['day']} (UTC).\n\nThis message was sent by Headcount."
    )
    return mail


class Mailer:
    def __init__(self, url: str | None, sender: str, timeout: float) -> None:
        self.url = url
        self.sender = sender
        self.timeout = timeout

    async def send(self, recipient: str, payload: str) -> tuple[int | None, str | None]:
        """(None, None) once the server accepted the message, else (None, why)."""
        if self.url is None:
            return None, "SMTP_URL is not set"
        parts = urlsplit(self.url)
        secure = parts.scheme == "smtps"
        try:
            await aiosmtplib.send(
                message(self.sender, recipient, payload),
                hostname=parts.hostname or "localhost",
                port=parts.port or (465 if secure else 25),
                username=unquote(parts.username) if parts.username else None,
                password=unquote(parts.password) if parts.password else None,
                use_tls=secure,
                start_tls=None,  # STARTTLS whenever the server offers it
                timeout=self.timeout,
            )
        except (aiosmtplib.SMTPException, OSError) as exc:
            return None, (type(exc).__name__ + ": " + str(exc))[:500]
        return None, None
