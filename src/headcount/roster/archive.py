"""Opening an upload: a OneRoster zip or a plain CSV, read within limits and as UTF-8.

A zip names its members' sizes, but the names can lie: each member is read with a cap, so a
zip bomb stops at the cap however it is built.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from headcount.roster.problems import rejected_file

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_MEMBER_BYTES = 50 * 1024 * 1024
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
MAX_MEMBERS = 32
UPLOAD = "upload"


@dataclass(frozen=True, slots=True)
class Upload:
    """The text of each file by name (`manifest.csv`, …), or of one plain CSV."""

    files: dict[str, str]
    plain: bool


def decode(name: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise rejected_file(name, f"not UTF-8 (byte {exc.start})") from None
    return text.removeprefix("\ufeff")


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int) -> bytes:
    cap = min(MAX_MEMBER_BYTES, budget)
    with archive.open(info) as member:
        data = member.read(cap + 1)
    if len(data) > cap:
        raise rejected_file(info.filename, "unpacks to more than the limit (a zip bomb?)")
    return data


def _unzip(data: bytes) -> dict[str, str]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        members = [info for info in archive.infolist() if not info.is_dir()]
    except (zipfile.BadZipFile, EOFError, ValueError):
        raise rejected_file(UPLOAD, "not a readable zip file") from None
    if len(members) > MAX_MEMBERS:
        raise rejected_file(UPLOAD, f"more than {MAX_MEMBERS} files")
    if sum(info.file_size for info in members) > MAX_UNPACKED_BYTES:
        raise rejected_file(UPLOAD, "unpacks to more than the limit (a zip bomb?)")
    files: dict[str, str] = {}
    budget = MAX_UNPACKED_BYTES
    with archive:
        for info in members:
            # SIS exports sometimes put the files in a folder; only the name matters.
            name = info.filename.rsplit("/", 1)[-1]
            try:
                raw = _read_member(archive, info, budget)
            except (zipfile.BadZipFile, EOFError, NotImplementedError, RuntimeError):
                raise rejected_file(info.filename, "cannot be unpacked") from None
            budget -= len(raw)
            files[name] = decode(name, raw)
    return files


def open_upload(data: bytes) -> Upload:
    """The files of a zip (by its magic number) or else one plain CSV."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise rejected_file(UPLOAD, f"larger than {MAX_UPLOAD_BYTES // (1024 * 1024)} MiB")
    if not data.strip():
        raise rejected_file(UPLOAD, "empty")
    if data.startswith(b"PK"):
        return Upload(_unzip(data), plain=False)
    return Upload({"roster.csv": decode("roster.csv", data)}, plain=True)
