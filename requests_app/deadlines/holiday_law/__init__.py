"""Holiday law written from each jurisdiction's statute, one module per jurisdiction.

Plain Python, no Django. ``LAWS`` maps a records jurisdiction to its :class:`HolidayLaw`;
``FORUM_LAWS`` adds the court forums that are not records jurisdictions (the District of
Columbia), for FRCP 6(a)(6)(C).
"""

from __future__ import annotations

from requests_app.deadlines.holiday_law import federal, massachusetts
from requests_app.deadlines.holiday_law.law import STATUTE, Holiday, HolidayLaw
from requests_app.deadlines.holiday_law.library import library_law

__all__ = ["FORUM_LAWS", "LAWS", "STATUTE", "Holiday", "HolidayLaw"]

LAWS: dict[str, HolidayLaw] = {
    "US": federal.LAW,
    "US-MA": massachusetts.LAW,
    "US-CA": library_law("US-CA", "California"),
    "US-NY": library_law("US-NY", "New York"),
    "US-IL": library_law("US-IL", "Illinois"),
    "US-TX": library_law("US-TX", "Texas"),
    "US-WA": library_law("US-WA", "Washington"),
    "US-FL": library_law("US-FL", "Florida"),
}

FORUM_LAWS: dict[str, HolidayLaw] = {
    **{code: law for code, law in LAWS.items() if code != "US"},
    "US-DC": library_law("US-DC", "District of Columbia"),
}
