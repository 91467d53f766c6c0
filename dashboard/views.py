"""The lawyers' status dashboard: read-only pages over lawsuits, requests, deadlines, agencies.

Views are thin: they check the role, parse the URL, call a selector in `dashboard.selectors` and
render a template under `templates/dashboard/`. Editing happens in the admin; every page links
there. Lawyers and staff may read it; reporting clients use the API: the overview (where a login
lands) sends them to their API tokens page, every other page refuses them (403 with a page that
says so and links there); anonymous visitors are sent to the login page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from core import roles
from core.today import organisation_today
from dashboard import selectors as selectors
from dashboard.charts import Bar, Series, bar_chart_svg
from reminders.calendar_feed import calendar_feed_url
from reports.selectors import Performance
from requests_app.models import Agency, Lawsuit

View = Callable[..., HttpResponse]


def dashboard_page(view: View) -> View:
    """Login required (anonymous → the login page); lawyers and staff only (others → 403)."""
    return _for_lawyers_and_staff(
        view, others=lambda request: render(request, "dashboard/forbidden.html", status=403)
    )


def landing_page(view: View) -> View:
    """The page a login lands on: lawyers and staff see it; anyone else is sent to the page they
    can use, their API tokens (with a link to the API's docs), instead of a refusal."""
    return _for_lawyers_and_staff(view, others=lambda request: redirect("accounts:tokens"))


def _for_lawyers_and_staff(view: View, *, others: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("login"))
        if not roles.user_has_role(request.user, roles.LAWYER, roles.STAFF):
            return others(request)
        return view(request, *args, **kwargs)

    return require_GET(wrapped)


def _today() -> datetime.date:
    """The organisation's date (TIME_ZONE): "overdue" and "due today" are counted there."""
    return organisation_today()


def _mine(request: HttpRequest) -> bool:
    """``?mine=1``: only what the logged-in person answers for (kept in the URL to share it)."""
    return request.GET.get("mine") == "1"


@landing_page
def home(request: HttpRequest) -> HttpResponse:
    overview = selectors.home_overview(
        today=_today(), user=request.user if _mine(request) else None
    )
    return render(request, "dashboard/home.html", {"o": overview, "nav": "home"})


_LITIGATION = {"": None, "yes": True, "no": False}


def _whole_number(raw: str) -> int | None:
    """A key or page number from the query: ASCII digits that fit a 64-bit key, else None.
    (``str.isdigit`` alone takes "²", which int() refuses, and any length, which the database
    cannot bind.)"""
    if raw.isascii() and raw.isdigit() and len(raw) <= 18:
        return int(raw)
    return None


@dashboard_page
def request_list(request: HttpRequest) -> HttpResponse:
    statuses = selectors.request_statuses()
    status = request.GET.get("status", "")
    owner = request.GET.get("owner", "")
    litigation = request.GET.get("litigation", "")
    errors = []
    if status and status not in dict(statuses):
        errors.append(f"“{status}” is not a request status: choose one from the list.")
        status = ""
    owner_id = _whole_number(owner)
    if owner and owner_id is None:
        errors.append(f"“{owner}” is not a person: choose an owner from the list.")
    if litigation not in _LITIGATION:
        errors.append(f"“{litigation}” is not a choice: use yes or no.")
        litigation = ""
    listing = selectors.request_list(
        today=_today(),
        status=status,
        owner_id=owner_id,
        user=request.user if _mine(request) else None,
        in_litigation=_LITIGATION[litigation],
        page=_whole_number(request.GET.get("page", "")) or 1,
    )
    filters = request.GET.copy()
    filters.pop("page", None)
    context = {
        "listing": listing,
        "statuses": statuses,
        "status": status,
        "owner_id": owner_id,
        "litigation": litigation,
        "mine": _mine(request),
        "filtered": bool(status or owner_id or litigation or _mine(request)),
        "query": filters.urlencode(),
        "errors": errors,
        "nav": "requests",
    }
    return render(request, "dashboard/request_list.html", context, status=400 if errors else 200)


@dashboard_page
def lawsuit_list(request: HttpRequest) -> HttpResponse:

    lawsuits = Lawsuit.objects.prefetch_related("defendant_agencies").order_by("-filed_on", "-pk")
    return render(request, "dashboard/lawsuit_list.html", {"lawsuits": lawsuits, "nav": "lawsuits"})


def _pages_note(release: Any) -> str:
    total = release.pages_released + release.pages_withheld_in_full + release.pages_withheld_in_part
    if not total:
        return "page counts not entered"
    return f"{total} pages"


def _production_chart(releases: list[Any]) -> str:
    if not releases:
        return ""
    bars = [
        Bar(
            label=f"{r.released_on:%b %-d, %Y} {r.request.agency.abbreviation or ''}".strip(),
            values=(r.pages_released, r.pages_withheld_in_full, r.pages_withheld_in_part),
            note=_pages_note(r),
        )
        for r in releases
    ]
    # bar_chart_svg escapes every text it draws (labels come from the database).
    return mark_safe(
        bar_chart_svg(
            chart_id="productions-chart",
            title="Pages released and withheld, per production",
            description="One bar per production, in date order: pages released, withheld in "
            "full and withheld in part. The same figures are in the table below.",
            series=[
                Series("Released", "seg-released"),
                Series("Withheld in full", "seg-withheld"),
                Series("Withheld in part", "seg-partial"),
            ],
            bars=bars,
        )
    )


@dashboard_page
def lawsuit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    lawsuit = selectors.lawsuit_for_dashboard(pk)
    if lawsuit is None:
        raise Http404("No such lawsuit.")
    overview = selectors.lawsuit_overview(lawsuit=lawsuit, today=_today())
    context = {
        "o": overview,
        "lawsuit": lawsuit,
        "chart": _production_chart(overview.releases),
        "nav": "lawsuits",
        "today": _today(),
    }
    return render(request, "dashboard/lawsuit.html", context)


@dashboard_page
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    records_request = selectors.request_for_dashboard(pk)
    if records_request is None:
        raise Http404("No such request.")
    overview = selectors.request_overview(request=records_request, today=_today())
    return render(
        request,
        "dashboard/request.html",
        {"o": overview, "r": records_request, "nav": "requests", "today": _today()},
    )


def _performance_chart(years: list[Performance]) -> str:
    judged = [y for y in years if y.judged]
    if not judged:
        return ""
    bars = [
        Bar(
            label=str(y.year),
            values=(float(y.on_time_percent or 0),),
            note=f"{y.on_time_percent}% on time ({y.on_time} of {y.judged})",
        )
        for y in judged
    ]
    # bar_chart_svg escapes every text it draws (labels come from the database).
    return mark_safe(
        bar_chart_svg(
            chart_id="agency-chart",
            title="Share of requests determined on time, per year filed",
            description="One bar per year: the percentage of requests whose determination came "
            "by the response deadline. The same figures, with the median working days to "
            "determination, are in the table below.",
            series=[Series("Determined on time", "seg-released")],
            bars=bars,
            maximum=100,
        )
    )


def _median_chart(years: list[Performance]) -> str:
    measured = [y for y in years if y.median_working_days is not None]
    if not measured:
        return ""
    bars = [
        Bar(
            label=str(y.year),
            values=(float(y.median_working_days or 0),),
            note=f"{y.median_working_days:g} working days ({y.determined} determined)",
        )
        for y in measured
    ]
    # bar_chart_svg escapes every text it draws (labels come from the database).
    return mark_safe(
        bar_chart_svg(
            chart_id="agency-median-chart",
            title="Median working days from receipt to determination, per year filed",
            description="One bar per year: the median number of working days the agency took "
            "to determine the requests filed with it that year. The same figures are in the "
            "table below.",
            series=[Series("Median working days", "seg-upcoming")],
            bars=bars,
        )
    )


@dashboard_page
def agency_detail(request: HttpRequest, pk: int) -> HttpResponse:
    agency = get_object_or_404(Agency.objects.select_related("parent", "jurisdiction"), pk=pk)
    overview = selectors.agency_overview(agency=agency, today=_today())
    return render(
        request,
        "dashboard/agency.html",
        {
            "o": overview,
            "agency": agency,
            "chart": _performance_chart(overview.years),
            "median_chart": _median_chart(overview.years),
            "nav": "agencies",
        },
    )


@dashboard_page
def agency_list(request: HttpRequest) -> HttpResponse:

    agencies = (
        Agency.objects.annotate(request_count=Count("requests"))
        .filter(request_count__gt=0)
        .select_related("parent")
        .order_by("name")
    )
    return render(request, "dashboard/agency_list.html", {"agencies": agencies, "nav": "agencies"})


def _month(raw: str | None, today: datetime.date) -> tuple[datetime.date, str]:
    """The month asked for as YYYY-MM (this month when absent); an error message if malformed."""
    if not raw:
        return today.replace(day=1), ""
    try:
        month = datetime.datetime.strptime(raw, "%Y-%m").date()
    except ValueError:
        return today.replace(day=1), f"“{raw}” is not a month: use YYYY-MM, e.g. 2019-12."
    if not 1986 <= month.year <= 2100:
        return today.replace(day=1), f"{raw} is outside the years 1986 to 2100."
    return month, ""


def _shift(month: datetime.date, by: int) -> datetime.date:
    index = month.year * 12 + month.month - 1 + by
    return datetime.date(index // 12, index % 12 + 1, 1)


@dashboard_page
def deadline_calendar(request: HttpRequest) -> HttpResponse:
    today = _today()
    month, error = _month(request.GET.get("month"), today)
    weeks = selectors.month_calendar(year=month.year, month=month.month, today=today)
    # The personal ICS feed; None while the person has made no link (the page says where to).
    feed_url = calendar_feed_url(user=request.user)
    context = {
        "weeks": weeks,
        "month": month,
        "previous": _shift(month, -1),
        "next": _shift(month, 1),
        "this_month": today.replace(day=1),
        "error": error,
        "calendar_feed_url": feed_url,
        "deadline_count": sum(len(day.deadlines) for week in weeks for day in week if day.in_month),
        "nav": "calendar",
    }
    return render(request, "dashboard/calendar.html", context, status=400 if error else 200)
