"""What an import did (or, in a dry run, would do), counted per kind of record."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

KINDS = ("orgs", "users", "classes", "enrollments", "guardianLinks")
# `archived` is what `tobedeleted` (or leaving a record out of a bulk file) does to each
# kind: an org or class archived, an account deactivated, an enrolment ended.
OUTCOMES = ("created", "updated", "unchanged", "archived", "skipped")


@dataclass
class Report:
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(
        default_factory=lambda: {kind: dict.fromkeys(OUTCOMES, 0) for kind in KINDS}
    )

    def count(self, kind: str, outcome: str, n: int = 1) -> None:
        self.counts[kind][outcome] += n

    def view(self) -> dict[str, Any]:
        return {"dryRun": self.dry_run, **self.counts}

    def lines(self) -> list[str]:
        """The report as the command prints it."""
        head = f"{'':14}" + "".join(f"{outcome:>11}" for outcome in OUTCOMES)
        rows = [
            f"{kind:14}" + "".join(f"{self.counts[kind][o]:>11}" for o in OUTCOMES)
            for kind in KINDS
        ]
        tail = ["dry run: nothing was written"] if self.dry_run else []
        return [head, *rows, *tail]
