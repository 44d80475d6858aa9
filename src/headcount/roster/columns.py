"""OneRoster 1.1 CSV files as the standard defines them: each file's columns, which of them
must hold a value, and the manifest's modes. Columns may come in any order; extension
columns (`metadata.…`) are allowed and ignored."""

from __future__ import annotations

from dataclasses import dataclass

MANIFEST = "manifest.csv"
MODES = ("bulk", "delta", "absent")
STATUSES = ("active", "tobedeleted")
ORG_TYPES = ("department", "school", "district", "local", "state", "national")
USER_ROLES = (
    "administrator",
    "aide",
    "guardian",
    "parent",
    "proctor",
    "relative",
    "student",
    "teacher",
)
ENROLMENT_ROLES = ("administrator", "proctor", "student", "teacher")
BOOLEANS = ("true", "false")
HEAD = ("sourcedId", "status", "dateLastModified")


@dataclass(frozen=True, slots=True)
class FileSpec:
    name: str
    columns: tuple[str, ...]
    required: tuple[str, ...]


SPECS = {
    spec.name: spec
    for spec in (
        FileSpec(
            "academicSessions.csv",
            (*HEAD, "title", "type", "startDate", "endDate", "parentSourcedId", "schoolYear"),
            ("sourcedId", "title", "type", "startDate", "endDate", "schoolYear"),
        ),
        FileSpec(
            "orgs.csv",
            (*HEAD, "name", "type", "identifier", "parentSourcedId"),
            ("sourcedId", "name", "type"),
        ),
        FileSpec(
            "courses.csv",
            (
                *HEAD,
                "schoolYearSourcedId",
                "title",
                "courseCode",
                "grades",
                "orgSourcedId",
                "subjects",
                "subjectCodes",
            ),
            ("sourcedId", "title", "orgSourcedId"),
        ),
        FileSpec(
            "classes.csv",
            (
                *HEAD,
                "title",
                "grades",
                "courseSourcedId",
                "classCode",
                "classType",
                "location",
                "schoolSourcedId",
                "termSourcedIds",
                "subjects",
                "subjectCodes",
                "periods",
            ),
            (
                "sourcedId",
                "title",
                "courseSourcedId",
                "classType",
                "schoolSourcedId",
                "termSourcedIds",
            ),
        ),
        FileSpec(
            "users.csv",
            (
                *HEAD,
                "enabledUser",
                "orgSourcedIds",
                "role",
                "username",
                "userIds",
                "givenName",
                "familyName",
                "middleName",
                "identifier",
                "email",
                "sms",
                "phone",
                "agentSourcedIds",
                "grades",
                "password",
            ),
            (
                "sourcedId",
                "enabledUser",
                "orgSourcedIds",
                "role",
                "username",
                "givenName",
                "familyName",
            ),
        ),
        FileSpec(
            "enrollments.csv",
            (
                *HEAD,
                "classSourcedId",
                "schoolSourcedId",
                "userSourcedId",
                "role",
                "primary",
                "beginDate",
                "endDate",
            ),
            ("sourcedId", "classSourcedId", "schoolSourcedId", "userSourcedId", "role"),
        ),
    )
}
# The plain CSV for small schools: one line per enrolment.
PLAIN = FileSpec(
    "roster.csv",
    ("className", "teacherEmail", "studentName", "studentEmail"),
    ("className", "teacherEmail", "studentName", "studentEmail"),
)
