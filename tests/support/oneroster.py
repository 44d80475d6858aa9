"""OneRoster 1.1 CSV files written from the standard's own column definitions (1EdTech,
OneRoster v1.1 CSV tables, in the standard's column order), for the import's tests and bench."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

COLUMNS: dict[str, tuple[str, ...]] = {
    "academicSessions.csv": (
        "sourcedId",
        "status",
        "dateLastModified",
        "title",
        "type",
        "startDate",
        "endDate",
        "parentSourcedId",
        "schoolYear",
    ),
    "orgs.csv": (
        "sourcedId",
        "status",
        "dateLastModified",
        "name",
        "type",
        "identifier",
        "parentSourcedId",
    ),
    "courses.csv": (
        "sourcedId",
        "status",
        "dateLastModified",
        "schoolYearSourcedId",
        "title",
        "courseCode",
        "grades",
        "orgSourcedId",
        "subjects",
        "subjectCodes",
    ),
    "classes.csv": (
        "sourcedId",
        "status",
        "dateLastModified",
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
    "users.csv": (
        "sourcedId",
        "status",
        "dateLastModified",
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
    "enrollments.csv": (
        "sourcedId",
        "classSourcedId",
        "schoolSourcedId",
        "userSourcedId",
        "role",
        "status",
        "dateLastModified",
        "primary",
        "beginDate",
        "endDate",
    ),
}
Row = Mapping[str, str]


def csv_text(columns: Sequence[str], rows: Sequence[Row]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(columns), lineterminator="\r\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({name: row.get(name, "") for name in columns})
    return out.getvalue()


@dataclass
class OneRoster:
    """A roster being written: rows per file, and the manifest's mode for each file."""

    mode: str = "bulk"
    rows: dict[str, list[Row]] = field(default_factory=lambda: {name: [] for name in COLUMNS})

    def school(self, sid: str, name: str, parent: str = "", **extra: str) -> None:
        row = {"sourcedId": sid, "name": name, "type": "school", "parentSourcedId": parent}
        self.rows["orgs.csv"].append(row | extra)

    def term(self, sid: str = "term-1") -> None:
        self.rows["academicSessions.csv"].append(
            {
                "sourcedId": sid,
                "title": "Autumn",
                "type": "term",
                "startDate": "2026-09-01",
                "endDate": "2026-12-20",
                "schoolYear": "2027",
            }
        )

    def course(self, sid: str, school: str, year: str = "term-1") -> None:
        self.rows["courses.csv"].append(
            {"sourcedId": sid, "title": sid, "orgSourcedId": school, "schoolYearSourcedId": year}
        )

    def user(self, sid: str, role: str, school: str, email: str, **extra: str) -> None:
        given, _, family = extra.pop("name", f"Given {sid}").partition(" ")
        row = {
            "sourcedId": sid,
            "enabledUser": "true",
            "orgSourcedIds": school,
            "role": role,
            "username": email,
            "givenName": given,
            "familyName": family or "X",
            "email": email,
        }
        self.rows["users.csv"].append(row | extra)

    def klass(self, sid: str, title: str, school: str, course: str, **extra: str) -> None:
        row = {
            "sourcedId": sid,
            "title": title,
            "courseSourcedId": course,
            "classType": "scheduled",
            "schoolSourcedId": school,
            "termSourcedIds": "term-1",
        }
        self.rows["classes.csv"].append(row | extra)

    def enrol(self, sid: str, klass: str, user: str, role: str, school: str, **extra: str) -> None:
        row = {
            "sourcedId": sid,
            "classSourcedId": klass,
            "schoolSourcedId": school,
            "userSourcedId": user,
            "role": role,
            "primary": "true" if role == "teacher" else "false",
        }
        self.rows["enrollments.csv"].append(row | extra)

    def files(self) -> dict[str, str]:
        manifest = [
            {"propertyName": "manifest.version", "value": "1.0"},
            {"propertyName": "oneroster.version", "value": "1.1"},
        ]
        for name in COLUMNS:
            mode = self.mode if self.rows[name] or self.mode == "bulk" else "absent"
            manifest.append({"propertyName": f"file.{name.removesuffix('.csv')}", "value": mode})
        for name in (
            "categories",
            "classResources",
            "courseResources",
            "demographics",
            "lineItems",
            "resources",
            "results",
        ):
            manifest.append({"propertyName": f"file.{name}", "value": "absent"})
        files = {"manifest.csv": csv_text(("propertyName", "value"), manifest)}
        for name, columns in COLUMNS.items():
            if self.mode == "bulk" or self.rows[name]:
                files[name] = csv_text(columns, self.rows[name])
        return files

    def zip(self, files: Mapping[str, str | bytes] | None = None) -> bytes:
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, text in (files or self.files()).items():
                archive.writestr(name, text)
        return out.getvalue()


def small_school(tag: str, students: int = 3, school: str = "") -> OneRoster:
    """A school (under `school`'s district if given) with one teacher, one class and
    `students` enrolled students; sourcedIds and e-mails start with `tag`."""
    roster = OneRoster()
    sid = f"{tag}-school"
    roster.school(sid, f"School {tag}", parent=school)
    roster.term()
    roster.course(f"{tag}-course", sid)
    roster.user(f"{tag}-t1", "teacher", sid, f"{tag}-t1@example.org", name="Tess Teacher")
    roster.klass(f"{tag}-c1", "Maths 7A", sid, f"{tag}-course")
    roster.enrol(f"{tag}-e-t1", f"{tag}-c1", f"{tag}-t1", "teacher", sid)
    for n in range(students):
        roster.user(f"{tag}-s{n}", "student", sid, f"{tag}-s{n}@example.org", name=f"Stu {n}")
        roster.enrol(f"{tag}-e-s{n}", f"{tag}-c1", f"{tag}-s{n}", "student", sid)
    return roster
