"""Template helpers for the dashboard: dates that print in full, and links between records."""

from __future__ import annotations

import datetime
from typing import Any

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html

from requests_app.models import Appeal, Lawsuit, RecordsRequest

register = template.Library()


@register.filter
def when(value: datetime.date | datetime.datetime | None) -> str:
    """A date as <time>: short on screen ("Dec 4, 2019"), in full in print ("Wednesday,
    December 4, 2019"), so a printed memo never leaves the reader guessing."""
    if value is None:
        return "—"
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        day = value.date()
        clock = f" {value:%H:%M}"
    else:
        day, clock = value, ""
    return format_html(
        '<time datetime="{}"><span class="d-short">{}{}</span>'
        '<span class="d-full">{}{}</span></time>',
        day.isoformat(),
        f"{day:%b} {day.day}, {day.year}",
        clock,
        f"{day:%A, %B} {day.day}, {day.year}",
        clock,
    )


@register.filter
def full_date(value: datetime.date | None) -> str:
    if value is None:
        return "—"
    return f"{value:%A, %B} {value.day}, {value.year}"


@register.simple_tag
def record_link(record: Any) -> str:
    """A dashboard link to the request, appeal (its request) or lawsuit a deadline belongs to."""

    if isinstance(record, Lawsuit):
        return format_html(
            '<a href="{}">{}</a>', reverse("dashboard:lawsuit", args=[record.pk]), record.caption
        )
    if isinstance(record, Appeal):
        return format_html(
            'Appeal of <a href="{}">{}</a>',
            reverse("dashboard:request", args=[record.request_id]),
            record.request.title,
        )
    if isinstance(record, RecordsRequest):
        return format_html(
            '<a href="{}">{}</a>', reverse("dashboard:request", args=[record.pk]), record.title
        )
    return ""


@register.filter
def agency_name(agency: Any) -> str:
    if agency is None:
        return ""
    if agency.abbreviation:
        return f"{agency.name} ({agency.abbreviation})"
    return str(agency.name)
