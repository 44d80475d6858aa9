"""A roster as read from its files, before anything is looked up: OneRoster's orgs, users,
classes and enrolments, each with the line it came from, and each file's mode."""

from __future__ import annotations

from dataclasses import dataclass, field

from headcount.roster.archive import Upload
from headcount.roster.columns import (
    BOOLEANS,
    ENROLMENT_ROLES,
    MANIFEST,
    MODES,
    ORG_TYPES,
    SPECS,
    STATUSES,
    USER_ROLES,
    FileSpec,
)
from headcount.roster.problems import Problems
from headcount.roster.table import Line, one_of, read_table

# OneRoster's user roles that become accounts here, and as what; other roles are skipped.
ACCOUNT_ROLES = {
    "student": "student",
    "teacher": "teacher",
    "parent": "guardian",
    "guardian": "guardian",
}
MAX_NAME = 100
MAX_EMAIL = 254
_MANIFEST_SPEC = FileSpec(MANIFEST, ("propertyName", "value"), ("propertyName",))


@dataclass(frozen=True, slots=True)
class OrgRecord:
    line: int
    sourced_id: str
    deleted: bool
    name: str
    type: str
    parent: str | None


@dataclass(frozen=True, slots=True)
class UserRecord:
    line: int
    sourced_id: str | None  # None in a plain CSV, where the e-mail is the key
    deleted: bool
    enabled: bool
    org: str | None  # the first of orgSourcedIds: the account's school
    role: str | None  # ours, or None for a role that is not imported
    name: str
    email: str
    agents: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ClassRecord:
    line: int
    sourced_id: str
    deleted: bool
    title: str
    school: str
    course: str


@dataclass(frozen=True, slots=True)
class EnrolmentRecord:
    line: int
    sourced_id: str
    deleted: bool
    class_sid: str
    user_sid: str
    role: str
    primary: bool


@dataclass
class Roster:
    modes: dict[str, str] = field(default_factory=dict)
    orgs: list[OrgRecord] = field(default_factory=list)
    users: list[UserRecord] = field(default_factory=list)
    classes: list[ClassRecord] = field(default_factory=list)
    enrolments: list[EnrolmentRecord] = field(default_factory=list)
    courses: set[str] = field(default_factory=set)

    def bulk(self, file: str) -> bool:
        return self.modes.get(file) == "bulk"


def _manifest(text: str, files: dict[str, str], problems: Problems) -> dict[str, str]:
    modes: dict[str, str] = {}
    for line in read_table(_MANIFEST_SPEC, text, problems):
        name, value = line.values["propertyName"], line.values["value"]
        if not name.startswith("file."):
            continue
        if value not in MODES:
            problems.add(MANIFEST, line.number, "value", f"must be one of {', '.join(MODES)}")
            continue
        file = name.removeprefix("file.") + ".csv"
        if file in SPECS and value != "absent":
            modes[file] = value
    for file in modes:
        if file not in files:
            problems.add(file, None, None, "named in manifest.csv but not in the zip")
    return modes


def _status(line: Line, file: str, problems: Problems) -> bool:
    """Whether the line is `tobedeleted`; bulk files leave the status empty (active)."""
    return one_of(line, file, "status", STATUSES, problems) == "tobedeleted"


def _orgs(lines: list[Line], problems: Problems) -> list[OrgRecord]:
    file = "orgs.csv"
    return [
        OrgRecord(
            line.number,
            line.values["sourcedId"],
            _status(line, file, problems),
            line.values["name"][:255],
            one_of(line, file, "type", ORG_TYPES, problems),
            line.values["parentSourcedId"] or None,
        )
        for line in lines
    ]


def _user(line: Line, problems: Problems) -> UserRecord:
    file, values = "users.csv", line.values
    role = one_of(line, file, "role", USER_ROLES, problems)
    enabled = one_of(line, file, "enabledUser", BOOLEANS, problems) != "false"
    ours = ACCOUNT_ROLES.get(role)
    email = values["email"].lower()
    if ours is not None and "@" not in email:
        problems.add(file, line.number, "email", "an e-mail is required to make an account")
    elif len(email) > MAX_EMAIL:
        problems.add(file, line.number, "email", f"longer than {MAX_EMAIL} characters")
    name = " ".join(part for part in (values["givenName"], values["familyName"]) if part)
    orgs = [part.strip() for part in values["orgSourcedIds"].split(",") if part.strip()]
    agents = tuple(part.strip() for part in values["agentSourcedIds"].split(",") if part.strip())
    return UserRecord(
        line.number,
        values["sourcedId"],
        _status(line, file, problems),
        enabled,
        orgs[0] if orgs else None,
        ours,
        name[:MAX_NAME],
        email,
        agents,
    )


def _classes(lines: list[Line], problems: Problems) -> list[ClassRecord]:
    file = "classes.csv"
    return [
        ClassRecord(
            line.number,
            line.values["sourcedId"],
            _status(line, file, problems),
            line.values["title"][:200],
            line.values["schoolSourcedId"],
            line.values["courseSourcedId"],
        )
        for line in lines
    ]


def _enrolments(lines: list[Line], problems: Problems) -> list[EnrolmentRecord]:
    file = "enrollments.csv"
    return [
        EnrolmentRecord(
            line.number,
            line.values["sourcedId"],
            _status(line, file, problems),
            line.values["classSourcedId"],
            line.values["userSourcedId"],
            one_of(line, file, "role", ENROLMENT_ROLES, problems),
            one_of(line, file, "primary", BOOLEANS, problems) == "true",
        )
        for line in lines
    ]


def read_oneroster(upload: Upload, problems: Problems) -> Roster:
    """The roster of a OneRoster zip; what is wrong with it goes to `problems`."""
    files = upload.files
    if MANIFEST not in files:
        problems.add(MANIFEST, None, None, "missing from the zip")
        return Roster()
    roster = Roster(modes=_manifest(files[MANIFEST], files, problems))
    tables = {
        name: read_table(SPECS[name], files[name], problems)
        for name in roster.modes
        if name in files
    }
    roster.orgs = _orgs(tables.get("orgs.csv", []), problems)
    roster.users = [_user(line, problems) for line in tables.get("users.csv", [])]
    roster.classes = _classes(tables.get("classes.csv", []), problems)
    roster.enrolments = _enrolments(tables.get("enrollments.csv", []), problems)
    roster.courses = {line.values["sourcedId"] for line in tables.get("courses.csv", [])}
    return roster
