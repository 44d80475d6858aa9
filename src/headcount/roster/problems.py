"""What is wrong with a roster file: every problem, each with where it is."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

from headcount.domain.errors import DomainError, Kind

INVALID_ROSTER = "Invalid roster file"
# Past this many, the rest are left out of the answer: a wholly wrong file says enough by then.
MAX_PROBLEMS = 1000


class ProblemView(TypedDict):
    file: str
    line: int | None
    column: str | None
    message: str


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None  # 1 is the header line; None for the file as a whole
    column: str | None
    message: str

    def view(self) -> ProblemView:
        return ProblemView(file=self.file, line=self.line, column=self.column, message=self.message)


class Problems:
    """Problems found so far, collected rather than raised so the answer lists them all."""

    def __init__(self) -> None:
        self.found: list[Problem] = []

    def add(self, file: str, line: int | None, column: str | None, message: str) -> None:
        self.found.append(Problem(file, line, column, message))

    def __bool__(self) -> bool:
        return bool(self.found)

    def raise_any(self) -> None:
        if self.found:
            raise rejected(self.found)


def rejected(found: list[Problem]) -> DomainError:
    """400 `Invalid roster file`, with the problems in the envelope's `errors`."""
    details = [problem.view() for problem in found[:MAX_PROBLEMS]]
    return DomainError(Kind.INVALID, INVALID_ROSTER, details=details)


def rejected_file(file: str, message: str) -> DomainError:
    return rejected([Problem(file, None, None, message)])
