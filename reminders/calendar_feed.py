"""Personal calendar feeds: each person's open deadlines as an iCalendar (RFC 5545) subscription.

The feed's URL carries a secret token (like froide's per-user iCal link): calendar programs cannot
log in. The token is revocable and regenerable; a wrong or revoked token gets the same 404 as any
unknown page. Every deadline keeps one UID, so a deadline that moves updates its event in the
subscriber's calendar instead of adding a second one.
"""

from __future__ import annotations

import datetime
import re
import secrets
from typing import Any

import icalendar
from django.conf import settings
from django.db import transaction
from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from core.links import absolute_url, site_host
from reminders.models import ReminderPreference
from requests_app.deadlines.rules import rule_name
from requests_app.deadlines.selectors import explanation_text, open_running, working_calendars
from requests_app.models import Deadline, RecordsRequest


def preference_for(user: Any) -> ReminderPreference:
    preference, _created = ReminderPreference.objects.get_or_create(user=user)
    return preference


@transaction.atomic
def calendar_feed_issue(*, user: Any) -> str:
    """Give the person a new feed token (the old link, if any, stops working at once)."""
    preference = preference_for(user)
    preference.feed_token = secrets.token_urlsafe(32)
    preference.feed_token_created_at = timezone.now()
    preference.save(update_fields=["feed_token", "feed_token_created_at"])
    return preference.feed_token


@transaction.atomic
def calendar_feed_revoke(*, user: Any) -> None:
    ReminderPreference.objects.filter(user=user).update(feed_token="", feed_token_created_at=None)


def calendar_feed_url(*, user: Any) -> str | None:
    """The person's subscription URL, or None if they have no feed (never made or revoked).

    Always on ``SITE_URL``, never the address a page was asked on: the link a person copies from
    the dashboard, the one on their preferences page and any in an email are then one link, and
    it is the address the calendar program can reach (behind a proxy, the request's host may be
    an internal one)."""
    token = (
        ReminderPreference.objects.filter(user=user)
        .exclude(feed_token="")
        .values_list("feed_token", flat=True)
        .first()
    )
    if not token:
        return None
    return absolute_url(reverse("calendar-feed", args=[token]))


#: What ``calendar_feed_issue`` makes (``secrets.token_urlsafe``): anything else opens nothing,
#: and is not handed to the database (PostgreSQL refuses a NUL character in text outright).
_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")


def feed_owner(token: str) -> ReminderPreference | None:
    """The preference row a token opens, if it is current and its person active."""
    if not _TOKEN.fullmatch(token):
        return None
    return (
        ReminderPreference.objects.select_related("user")
        .filter(feed_token=token, user__is_active=True)
        .first()
    )


def deadlines_for_person(user: Any, *, all_lawsuits: bool = False) -> QuerySet[Deadline]:
    """Open, running deadlines the person answers for: responsible for it, owner or assigned
    staff of its request (or of the appealed request), counsel on its case — the same people the
    reminders go to; with ``all_lawsuits``, every open lawsuit deadline as well."""
    people = (
        Q(responsible=user)
        | Q(request__owner=user)
        | Q(request__assigned_staff=user)
        | Q(appeal__request__owner=user)
        | Q(appeal__request__assigned_staff=user)
        | Q(lawsuit__counsel=user)
    )
    if all_lawsuits:
        people |= Q(lawsuit__isnull=False)
    ids = Deadline.objects.filter(people).values("pk")
    return (
        open_running(Deadline.objects.filter(pk__in=ids))
        .select_related("request__agency", "appeal__request__agency", "lawsuit", "jurisdiction")
        .order_by("due_on", "pk")
    )


def _summary(deadline: Deadline) -> str:
    if deadline.lawsuit is not None:
        return f"{deadline.label} — {deadline.lawsuit.caption}"
    request = deadline.appeal.request if deadline.appeal is not None else deadline.request
    assert isinstance(request, RecordsRequest)
    agency = request.agency.abbreviation or request.agency.name
    return f"{deadline.label} — {agency}: {request.title}"


def _link(deadline: Deadline) -> str:
    if deadline.lawsuit is not None:
        path = deadline.lawsuit.get_admin_url()
    else:
        request = deadline.appeal.request if deadline.appeal is not None else deadline.request
        assert request is not None
        path = request.get_admin_url()
    return absolute_url(path)


def calendar_feed_ics(*, preference: ReminderPreference) -> bytes:
    """The feed: one all-day event per deadline with an alarm before it."""
    host = site_host()
    deadlines = list(
        deadlines_for_person(preference.user, all_lawsuits=preference.feed_all_lawsuits)
    )
    calendars = working_calendars({d.jurisdiction.code for d in deadlines if d.jurisdiction})

    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//foiatracker//deadlines//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    person = preference.user.get_full_name() or preference.user.get_username()
    calendar.add("x-wr-calname", f"foiatracker deadlines — {person}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    calendar.add("refresh-interval", datetime.timedelta(hours=1), parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    now = timezone.now()
    for deadline in deadlines:
        event = icalendar.Event()
        # One UID per deadline for its whole life: a moved date updates the event.
        event.add("uid", f"deadline-{deadline.pk}@{host}")
        event.add("dtstamp", now)
        event.add("last-modified", deadline.updated_at)
        event.add("sequence", int(deadline.updated_at.timestamp()))
        event.add("dtstart", deadline.due_on)
        event.add("dtend", deadline.due_on + datetime.timedelta(days=1))
        event.add("transp", "TRANSPARENT")
        summary = _summary(deadline)
        event.add("summary", summary)
        code = deadline.jurisdiction.code if deadline.jurisdiction else ""
        lines = [explanation_text(deadline, calendars.get(code))]
        if deadline.rule:
            # The rule as people name it; its code is for the machine.
            rule = rule_name(code or None, deadline.rule)
            lines.append(
                f"Rule: {rule} ({deadline.citation})" if deadline.citation else f"Rule: {rule}"
            )
        link = _link(deadline)
        lines.append(link)
        event.add("description", "\n\n".join(line for line in lines if line))
        event.add("url", link)
        alarm = icalendar.Alarm()
        alarm.add("action", "DISPLAY")
        alarm.add("description", f"Due: {summary}")
        alarm.add("trigger", -datetime.timedelta(minutes=settings.REMINDER_CALENDAR_ALARM_MINUTES))
        event.add_component(alarm)
        calendar.add_component(event)
    return calendar.to_ical()
