"""roster/archive.py: what an upload is, within limits."""

from __future__ import annotations

import io
import zipfile

import pytest

from headcount.domain.errors import DomainError
from headcount.roster.archive import MAX_UPLOAD_BYTES, open_upload


def zipped(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return out.getvalue()


def problem(data: bytes) -> dict[str, object]:
    with pytest.raises(DomainError) as caught:
        open_upload(data)
    assert caught.value.message == "Invalid roster file"
    assert caught.value.details is not None
    first: dict[str, object] = caught.value.details[0]
    return first


def test_a_zip_gives_its_files_by_name_without_folders_or_bom() -> None:
    upload = open_upload(zipped({"export/users.csv": "\ufeffa,b\n".encode(), "m.csv": b"x"}))
    assert upload.files == {"users.csv": "a,b\n", "m.csv": "x"}
    assert upload.plain is False


def test_anything_else_is_a_plain_csv() -> None:
    upload = open_upload(b"className,teacherEmail\n")
    assert upload.plain is True
    assert upload.files == {"roster.csv": "className,teacherEmail\n"}


def test_non_utf8_names_the_file_and_byte() -> None:
    found = problem(zipped({"users.csv": b"ok,caf\xe9\n"}))
    assert found == {
        "file": "users.csv",
        "line": None,
        "column": None,
        "message": "not UTF-8 (byte 6)",
    }


def test_a_bomb_stops_at_the_limit() -> None:
    found = problem(zipped({"users.csv": b"\0" * (101 * 1024 * 1024)}))
    assert found["message"] == "unpacks to more than the limit (a zip bomb?)"


def test_a_broken_zip_and_an_empty_body_and_a_huge_body() -> None:
    assert problem(b"PK\x03\x04nonsense")["message"] == "not a readable zip file"
    assert problem(b"  \n")["message"] == "empty"
    assert problem(b"x" * (MAX_UPLOAD_BYTES + 1))["message"] == "larger than 20 MiB"


def test_too_many_members() -> None:
    files = {f"f{n}.csv": b"a" for n in range(33)}
    assert problem(zipped(files))["message"] == "more than 32 files"
