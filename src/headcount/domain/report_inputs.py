"""What the school-wide reports accept: a range of days, and the thresholds they apply."""

from __future__ import annotations

import datetime
import re
from typing import Annotated, Literal, Self

from pydantic import BeforeValidator, Field, model_validator

from headcount import clock
from headcount.domain.inputs import Day, Input

# The default range when `from` is left out: a school year before `to`.
DEFAULT_SPAN = datetime.timedelta(days=364)
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_day(value: object) -> datetime.date:
    """`YYYY-MM-DD` only: pydantic would also read a number as a Unix time."""
    if not isinstance(value, str) or _ISO_DAY.fullmatch(value) is None:
        raise ValueError("must be a date as YYYY-MM-DD")
    return datetime.date.fromisoformat(value)


IsoDay = Annotated[Day, BeforeValidator(_iso_day)]


def today() -> datetime.date:
    return clock.now().date()


class ReportQuery(Input):
    """A range of days, both ends included, as UTC days of the sessions' start."""

    from_: IsoDay | None = Field(None, alias="from")
    to: IsoDay | None = None
    format: Literal["json", "csv"] = "json"

    @model_validator(mode="after")
    def _ordered(self) -> Self:
        if self.from_ is not None and self.from_ > (self.to or today()):
            raise ValueError("from must not be after to")
        return self

    def days(self) -> tuple[datetime.date, datetime.date]:
        """The range with its defaults: up to today, over the school year before `to`."""
        last = self.to or today()
        return self.from_ or max(last - DEFAULT_SPAN, datetime.date(1970, 1, 1)), last


class ChronicQuery(ReportQuery):
    # Districts call a student absent for 10% or more of their sessions chronically absent.
    threshold: Annotated[float, Field(gt=0, le=1, allow_inf_nan=False)] = 0.1
    minSessions: Annotated[int, Field(ge=1, le=100_000)] = 10


class StreakQuery(ReportQuery):
    min: Annotated[int, Field(ge=1, le=10_000)] = 3


class NotTakenQuery(Input):
    date: IsoDay | None = None
    format: Literal["json", "csv"] = "json"

    def day(self) -> datetime.date:
        return self.date or today()
