"""roster/records.py and roster/checks.py: a OneRoster zip's records, and whole-file checks."""

from __future__ import annotations

from headcount.roster.archive import Upload
from headcount.roster.checks import Known, check_duplicates, check_references
from headcount.roster.problems import Problems
from headcount.roster.records import Roster, read_oneroster
from tests.support.oneroster import OneRoster, small_school


def read(roster: OneRoster) -> tuple[Roster, Problems]:
    problems = Problems()
    return read_oneroster(Upload(roster.files(), plain=False), problems), problems


def test_a_small_school_reads_cleanly() -> None:
    roster, problems = read(small_school("t", 2))
    assert not problems.found
    assert [user.role for user in roster.users] == ["teacher", "student", "student"]
    assert roster.users[1].name == "Stu 0"
    assert roster.modes["users.csv"] == "bulk"


def test_roles_map_to_accounts_and_others_are_skipped() -> None:
    source = small_school("t", 0)
    source.user("p", "parent", "t-school", "p@e.org", agentSourcedIds="t-s0, t-s1")
    source.user("a", "aide", "t-school", "a@e.org")
    roster, problems = read(source)
    assert not problems.found
    assert [u.role for u in roster.users] == ["teacher", "guardian", None]
    assert roster.users[1].agents == ("t-s0", "t-s1")


def test_bad_values_are_problems_with_their_places() -> None:
    source = small_school("t", 1)
    source.rows["users.csv"][1] = source.rows["users.csv"][1] | {"role": "pupil", "email": "x"}
    source.rows["enrollments.csv"][1] = source.rows["enrollments.csv"][1] | {"status": "gone"}
    _, problems = read(source)
    assert [(p.file, p.line, p.column) for p in problems.found] == [
        ("users.csv", 3, "role"),
        ("enrollments.csv", 3, "status"),
    ]


def test_a_manifest_mode_must_be_known_and_its_files_present() -> None:
    files = small_school("t", 1).files()
    files["manifest.csv"] = files["manifest.csv"].replace("file.orgs,bulk", "file.orgs,full")
    del files["classes.csv"]
    problems = Problems()
    read_oneroster(Upload(files, plain=False), problems)
    assert [(p.file, p.column, p.message) for p in problems.found] == [
        ("manifest.csv", "value", "must be one of bulk, delta, absent"),
        ("classes.csv", None, "named in manifest.csv but not in the zip"),
    ]


def test_duplicates_name_the_first_line() -> None:
    source = small_school("t", 1)
    source.rows["enrollments.csv"].append(source.rows["enrollments.csv"][0])
    roster, problems = read(source)
    check_duplicates(roster, problems)
    assert [(p.line, p.message) for p in problems.found] == [(4, "'t-e-t1' is also on line 2")]


def test_references_may_name_earlier_imports() -> None:
    source = OneRoster(mode="delta")
    source.enrol("e9", "c-old", "s-old", "student", "school-old")
    source.enrol("e10", "c-gone", "s-old", "student", "school-old")
    roster, problems = read(source)
    known = Known(orgs={"school-old"}, users={"s-old": "student"}, classes={"c-old"})
    check_references(roster, known, problems)
    assert [(p.line, p.column, p.message) for p in problems.found] == [
        (3, "classSourcedId", "no class 'c-gone'")
    ]


def test_an_enrolment_role_must_match_the_users() -> None:
    source = small_school("t", 1)
    source.enrol("e-x", "t-c1", "t-s0", "teacher", "t-school")
    roster, problems = read(source)
    check_references(roster, Known(), problems)
    assert [p.message for p in problems.found] == ["user 't-s0' is not a teacher"]


def test_a_zip_without_a_manifest() -> None:
    files = small_school("t", 1).files()
    del files["manifest.csv"]
    problems = Problems()
    roster = read_oneroster(Upload(files, plain=False), problems)
    assert roster.users == []
    assert [(p.file, p.message) for p in problems.found] == [
        ("manifest.csv", "missing from the zip")
    ]
