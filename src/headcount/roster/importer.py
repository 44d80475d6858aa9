"""A roster import from start to end: open the upload, read and check every file, plan every
change against the database, and only then write it all in one transaction and announce it,
so open sockets follow at once on every process. A dry run stops before the writes."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable

from sqlalchemy import Select, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from headcount.domain import errors
from headcount.domain.events import EventSink
from headcount.domain.schools import schools_of
from headcount.roster import existing as stored
from headcount.roster.apply import Plan, plan_records, run
from headcount.roster.archive import UPLOAD, open_upload
from headcount.roster.checks import check_duplicates, check_references
from headcount.roster.columns import PLAIN
from headcount.roster.enrolments import plan_enrolments, plan_links
from headcount.roster.plain import plan_plain
from headcount.roster.problems import Problems, rejected_file
from headcount.roster.records import Roster, read_oneroster
from headcount.roster.report import Report
from headcount.roster.table import Line, read_table
from headcount.security import Principal
from headcount.store.database import Database
from headcount.store.tables import DEFAULT_SCHOOL_ID, Org, User


class _DryRun(Exception):
    """Leaves the transaction, rolling back what a dry run planned (it wrote nothing)."""


def _read(data: bytes, problems: Problems) -> Roster | list[Line]:
    """The records of a OneRoster zip, or the lines of a plain CSV, once nothing is wrong
    with the files themselves."""
    upload = open_upload(data)
    if upload.plain:
        lines = read_table(PLAIN, upload.files[PLAIN.name], problems)
        problems.raise_any()
        return lines
    roster = read_oneroster(upload, problems)
    check_duplicates(roster, problems)
    problems.raise_any()
    return roster


class RosterImports:
    def __init__(self, db: Database, events: EventSink) -> None:
        self.db = db
        self.events = events

    async def by_admin(self, admin: Principal, data: bytes, dry_run: bool) -> Report:
        """An administrator imports into their schools only; a plain CSV, into their own."""
        async with self.db.read() as conn:
            home = await conn.scalar(select(User.school_id).where(User.id == admin.user_id))
        if home is None:
            raise errors.unauthorized()
        return await self.load(data, schools_of(admin.user_id), dry_run, home)

    async def load(
        self,
        data: bytes,
        within: Select[uuid.UUID] | None,
        dry_run: bool,
        home: uuid.UUID = DEFAULT_SCHOOL_ID,
    ) -> Report:
        """Import `data` into the orgs `within` selects (None: anywhere), a plain CSV into
        `home`; 400 with every problem, else what was done (or, in a dry run, what would
        be). The orgs are read in the import's transaction, after what the file names, so
        a school another import has just made is seen as the caller's."""
        problems = Problems()
        # Reading a large file is seconds of CPU: off the event loop, so sockets keep flowing.
        read = await asyncio.to_thread(_read, data, problems)
        plan = Plan(None, Report(dry_run), problems)

        async def scope(conn: AsyncConnection) -> None:
            if within is not None:
                plan.scope = set(await conn.scalars(within))

        if isinstance(read, Roster):
            roster = read

            async def planned(conn: AsyncConnection) -> None:
                existing = await stored.load(conn, roster)
                await scope(conn)
                check_references(roster, existing.known(), problems)
                problems.raise_any()
                plan_records(plan, roster, existing)
                plan_enrolments(plan, roster, existing)
                plan_links(plan, roster, existing)

        else:
            lines = read

            async def planned(conn: AsyncConnection) -> None:
                await scope(conn)
                await plan_plain(conn, plan, lines, home)

        return await self._apply(plan, planned)

    async def _apply(
        self, plan: Plan, planned: Callable[[AsyncConnection], Awaitable[None]]
    ) -> Report:
        """Plan in the transaction that writes, so nothing changes between the two."""
        try:
            async with self.db.write() as conn:
                await planned(conn)
                plan.problems.raise_any()
                if plan.report.dry_run:
                    raise _DryRun
                await run(conn, plan)
        except _DryRun:
            return plan.report
        except IntegrityError:
            # Another change (a sign-up, another import) took an e-mail or id meanwhile.
            raise rejected_file(
                UPLOAD, "conflicts with a change made meanwhile; try again"
            ) from None
        for event in plan.events:
            await self.events.publish(event)
        return plan.report


def orgs_under(org_id: uuid.UUID) -> Select[uuid.UUID]:
    """An org and the orgs directly under it: what the command's `--school` allows."""
    return select(Org.id).where(or_(Org.id == org_id, Org.parent_id == org_id))
