"""`headcount roster …`: import a roster file on the server, and print the setup codes of the
accounts it made, for distribution."""

from __future__ import annotations

import csv
import io
import uuid
from pathlib import Path

from sqlalchemy import Select, select

from headcount.admin_cli import CommandError, school_named
from headcount.domain.credentials import issue_codes
from headcount.domain.errors import DomainError
from headcount.roster.importer import orgs_under
from headcount.services import Services
from headcount.settings import Settings
from headcount.store.tables import DEFAULT_SCHOOL_ID, User


def _problem_lines(exc: DomainError) -> list[str]:
    lines = [exc.message]
    for problem in exc.details or []:
        where = ":".join(str(part) for part in (problem["file"], problem["line"]) if part)
        column = f" [{problem['column']}]" if problem["column"] else ""
        lines.append(f"{where}{column}: {problem['message']}")
    return lines


def read_file(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise CommandError(f"cannot read {path}: {exc.strerror}") from None


async def import_file(
    settings: Settings, data: bytes, school: str | None, dry_run: bool
) -> list[str]:
    """Import a roster, into `school` and the orgs under it if given (a plain CSV: into
    `school`, else the default school); the lines of the report to print."""
    services = Services.build(settings)
    await services.start()
    try:
        scope: Select[uuid.UUID] | None = None
        home = DEFAULT_SCHOOL_ID
        if school is not None:
            home = await school_named(services, school)
            scope = orgs_under(home)
        report = await services.imports.load(data, scope, dry_run, home)
        # Other processes hear of the changes over the bus: let it carry them before leaving.
        await services.hub.bus.drain()
    except DomainError as exc:
        raise CommandError("\n".join(_problem_lines(exc))) from None
    finally:
        await services.close()
    return report.lines()


async def setup_codes(settings: Settings, school: str | None) -> str:
    """A fresh setup code for every imported account that has no password yet, as CSV;
    earlier codes of those accounts stop working."""
    services = Services.build(settings)
    try:
        query = select(User.id, User.email, User.name, User.role, User.sourced_id).where(
            User.password_hash.is_(None), User.active, User.sourced_id.is_not(None)
        )
        if school is not None:
            orgs = orgs_under(await school_named(services, school))
            query = query.where(User.school_id.in_(orgs))
        async with services.db.write() as conn:
            rows = (await conn.execute(query.order_by(User.role, User.email))).all()
            lifetime = services.credentials.code_lifetime
            codes = await issue_codes(conn, [(r.id, r.email) for r in rows], lifetime)
    finally:
        await services.close()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["sourcedId", "role", "name", "email", "code", "expiresAt"])
    for row, code in zip(rows, codes, strict=True):
        writer.writerow(
            [row.sourced_id, row.role, row.name, row.email, code["code"], code["expiresAt"]]
        )
    return out.getvalue()
