"""Interim: a state's public holidays per the ``holidays`` library (replaced state by state)."""

from __future__ import annotations

from collections.abc import Iterator

import holidays

from requests_app.deadlines.holiday_law.law import Holiday, HolidayLaw

_NOT_OFF = {
    "US-CA": {"Susan B. Anthony Day"},
    "US-NY": {"Susan B. Anthony Day"},
    "US-FL": {"Susan B. Anthony Day"},
    "US-TX": {"Good Friday", "Cesar Chavez Day"},
}


def library_law(jurisdiction: str, name: str) -> HolidayLaw:
    subdivision = jurisdiction.removeprefix("US-")
    not_off = _NOT_OFF.get(jurisdiction, set())

    def days(year: int, observance: str) -> Iterator[Holiday]:
        source = holidays.country_holidays(
            "US", subdiv=subdivision, years=(year - 1, year, year + 1), categories=("public",)
        )
        for day, joined in source.items():
            kept = [n for n in joined.split("; ") if n.removesuffix(" (observed)") not in not_off]
            if kept:
                yield Holiday(day, "; ".join(kept), "holidays library (not verified)")

    return HolidayLaw(
        jurisdiction=jurisdiction,
        name=name,
        business_days_off=days,
        business_days_law="holidays library, public category (not verified)",
    )
