"""Whole-roster checks that need no database beyond the sourcedIds it already holds: no
sourcedId or e-mail twice in a file, and every reference names something that exists, in
the roster or from an earlier import."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from headcount.roster.problems import Problems
from headcount.roster.records import Roster


@dataclass
class Known:
    """The sourcedIds already in the database (from earlier imports), by kind."""

    orgs: set[str] = field(default_factory=set)
    users: dict[str, str] = field(default_factory=dict)  # sourcedId: our role
    classes: set[str] = field(default_factory=set)


def _no_twice(file: str, column: str, keys: Iterable[tuple[int, str]], problems: Problems) -> None:
    first: dict[str, int] = {}
    for line, key in keys:
        if key in first:
            problems.add(file, line, column, f"{key!r} is also on line {first[key]}")
        else:
            first[key] = line


def check_duplicates(roster: Roster, problems: Problems) -> None:
    _no_twice("orgs.csv", "sourcedId", ((o.line, o.sourced_id) for o in roster.orgs), problems)
    users = [(u.line, u.sourced_id) for u in roster.users if u.sourced_id]
    _no_twice("users.csv", "sourcedId", users, problems)
    emails = [(u.line, u.email) for u in roster.users if u.role and u.email]
    _no_twice("users.csv", "email", emails, problems)
    _no_twice(
        "classes.csv", "sourcedId", ((c.line, c.sourced_id) for c in roster.classes), problems
    )
    enrolments = ((e.line, e.sourced_id) for e in roster.enrolments)
    _no_twice("enrollments.csv", "sourcedId", enrolments, problems)


def check_references(roster: Roster, known: Known, problems: Problems) -> None:
    orgs = known.orgs | {o.sourced_id for o in roster.orgs}
    roles = dict(known.users) | {u.sourced_id: u.role or "" for u in roster.users if u.sourced_id}
    classes = known.classes | {c.sourced_id for c in roster.classes}
    for org in roster.orgs:
        if org.parent is not None and org.parent not in orgs:
            problems.add("orgs.csv", org.line, "parentSourcedId", f"no org {org.parent!r}")
    for user in roster.users:
        if user.role and user.org is not None and user.org not in orgs:
            problems.add("users.csv", user.line, "orgSourcedIds", f"no org {user.org!r}")
        for agent in user.agents if user.role else ():
            if agent not in roles:
                problems.add("users.csv", user.line, "agentSourcedIds", f"no user {agent!r}")
    for klass in roster.classes:
        if klass.school not in orgs:
            problems.add("classes.csv", klass.line, "schoolSourcedId", f"no org {klass.school!r}")
        if roster.courses and klass.course not in roster.courses:
            problems.add(
                "classes.csv", klass.line, "courseSourcedId", f"no course {klass.course!r}"
            )
    for enrolment in roster.enrolments:
        file, line = "enrollments.csv", enrolment.line
        if enrolment.class_sid not in classes:
            problems.add(file, line, "classSourcedId", f"no class {enrolment.class_sid!r}")
        role = roles.get(enrolment.user_sid)
        if role is None:
            problems.add(file, line, "userSourcedId", f"no user {enrolment.user_sid!r}")
        elif enrolment.role in ("student", "teacher") and role != enrolment.role:
            message = f"user {enrolment.user_sid!r} is not a {enrolment.role}"
            problems.add(file, line, "userSourcedId", message)
