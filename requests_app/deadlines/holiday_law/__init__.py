"""Holiday law written from each jurisdiction's statute, one module per jurisdiction.

Plain Python, no Django. ``LAWS`` maps a records jurisdiction to its :class:`HolidayLaw`;
``FORUM_LAWS`` adds the court forums that are not records jurisdictions (the District of
Columbia), for FRCP 6(a)(6)(C). Each module's docstring quotes its statute and lists what stayed
uncertain; each law lists the texts read (``sources``), shown on docs/calendars.md.
"""

from __future__ import annotations

from requests_app.deadlines.holiday_law import (
    california,
    district_of_columbia,
    federal,
    florida,
    illinois,
    massachusetts,
    new_york,
    texas,
    washington,
)
from requests_app.deadlines.holiday_law.law import STATUTE, Holiday, HolidayLaw

__all__ = ["FORUM_LAWS", "LAWS", "STATUTE", "Holiday", "HolidayLaw"]

LAWS: dict[str, HolidayLaw] = {
    law.jurisdiction: law
    for law in (
        federal.LAW,
        massachusetts.LAW,
        california.LAW,
        new_york.LAW,
        illinois.LAW,
        texas.LAW,
        washington.LAW,
        florida.LAW,
    )
}

#: Where a federal district court may sit: the seeded states and the District of Columbia.
FORUM_LAWS: dict[str, HolidayLaw] = {
    **{code: law for code, law in LAWS.items() if code != "US"},
    "US-DC": district_of_columbia.LAW,
}
