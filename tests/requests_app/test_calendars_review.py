"""``manage.py calendars_review``: docs/calendars.md is written from the code and kept current."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from core.today import organisation_today
from requests_app.deadlines.calendar_review import DEFAULT_YEARS, parse_years, render


def test_committed_page_is_up_to_date() -> None:
    # Fails when the holiday law changes without `manage.py calendars_review` being re-run.
    call_command("calendars_review", "--check")


def test_the_reviewed_years_still_cover_next_year() -> None:
    # Deliberately not frozen: a reminder. The page covers fixed years (DEFAULT_YEARS) so that it
    # and `--check` depend on the code alone, not on the day they run; once the organisation's
    # next year falls outside them, move DEFAULT_YEARS on and re-run `manage.py calendars_review`
    # (README, "calendars_review").
    next_year = organisation_today().year + 1
    assert next_year in DEFAULT_YEARS, (
        f"docs/calendars.md covers {DEFAULT_YEARS.start}-{DEFAULT_YEARS.stop - 1}, not "
        f"{next_year}: move calendar_review.DEFAULT_YEARS on and regenerate the page."
    )


def test_check_fails_on_a_stale_page_and_writing_fixes_it(tmp_path: Path) -> None:
    page = tmp_path / "calendars.md"
    page.write_text("# stale\n", encoding="utf-8")
    with pytest.raises(CommandError, match="out of date"):
        call_command("calendars_review", "--check", "--output", str(page), "--years", "2026")
    call_command("calendars_review", "--output", str(page), "--years", "2026")
    call_command("calendars_review", "--check", "--output", str(page), "--years", "2026")
    text = page.read_text(encoding="utf-8")
    # Illinois 2026: Casimir Pulaski's Birthday (Mon Mar 2) counts as a business day but a last
    # day rolls past it; the day after Thanksgiving (Fri Nov 27) closes state offices.
    assert (
        "| 2026-03-02 | Mon | Casimir Pulaski's Birthday | offices open; last day rolls "
        "| 5 ILCS 70/1.11; 205 ILCS 630/17 |"
    ) in text
    assert "| 2026-11-27 | Fri | Day after Thanksgiving | closed (not a business day) |" in text
    assert "### US-IL 2025" not in text


def test_the_page_is_deterministic() -> None:
    assert render(range(2027, 2028)) == render(range(2027, 2028))


@pytest.mark.parametrize("years", ["2028-2025", "twenty", "1900-1901"])
def test_bad_years_are_refused(years: str, tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="--years"):
        call_command("calendars_review", "--years", years, "--output", str(tmp_path / "x.md"))
    assert not (tmp_path / "x.md").exists()


def test_parse_years() -> None:
    assert parse_years("2025-2028") == range(2025, 2029)
    assert parse_years("2026") == range(2026, 2027)
