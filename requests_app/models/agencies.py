"""Jurisdictions, agencies and their components, topics; the year guard every date field uses."""

from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from requests_app.deadlines.calendars import (
    FIRST_SUPPORTED_YEAR,
    LAST_SUPPORTED_YEAR,
    UnknownJurisdiction,
    observance_choices,
)


def validate_supported_year(value: datetime.date) -> None:
    """Deadlines are counted on calendars that encode holiday law from 1986 (the first federal
    Martin Luther King Jr. Day); a date far outside that is almost always a typo."""
    if not FIRST_SUPPORTED_YEAR <= value.year <= LAST_SUPPORTED_YEAR:
        raise ValidationError(
            _("%(date)s is outside the years %(first)s to %(last)s: check the year.")
            % {
                "date": value.isoformat(),
                "first": FIRST_SUPPORTED_YEAR,
                "last": LAST_SUPPORTED_YEAR,
            }
        )


def not_before(later: str, earlier: str, name: str, message: Any) -> models.CheckConstraint:
    """A date-order constraint that holds while either date is still unknown."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
        violation_error_message=message,
    )


def jurisdiction_observances(code: str) -> Mapping[str, str]:
    """The observances an agency of jurisdiction ``code`` may choose (code → label with its
    citation); none for a jurisdiction with no calendar."""
    try:
        return observance_choices(code)
    except UnknownJurisdiction:
        return {}


class Jurisdiction(models.Model):
    """Whose records law applies: `US` (federal FOIA) or a state coded ISO 3166-2 (`US-MA`)."""

    class Level(models.TextChoices):
        FEDERAL = "federal", _("Federal")
        STATE = "state", _("State")
        LOCAL = "local", _("Local")

    code = models.CharField(
        max_length=10,
        unique=True,
        help_text=_("US for federal law; ISO 3166-2 for a state, e.g. US-MA."),
    )
    name = models.CharField(max_length=100)
    level = models.CharField(max_length=10, choices=Level.choices)
    law_name = models.CharField(max_length=200, help_text=_("e.g. Freedom of Information Act"))
    law_citation = models.CharField(max_length=200, help_text=_("e.g. 5 U.S.C. 552"))

    class Meta:
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code="US") | Q(code__regex=r"^US-[A-Z]{2}$"),
                name="jurisdiction_code_iso_3166_2",
                violation_error_message=_(
                    "A jurisdiction code is US or US- and two letters (US-MA)."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


class Agency(models.Model):
    """A body subject to a records law; federal departments have components (DOJ → FBI, DEA)."""

    name = models.CharField(max_length=255)
    abbreviation = models.CharField(max_length=40, blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="components",
        help_text=_("The department this component belongs to (DEA → DOJ)."),
    )
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="agencies"
    )
    foia_email = models.EmailField("FOIA office email", blank=True)
    request_url = models.URLField("portal / request form", max_length=500, blank=True)
    mailing_address = models.TextField(blank=True)
    phone = models.CharField(max_length=60, blank=True)
    website = models.URLField(max_length=500, blank=True)
    observance = models.CharField(
        "days observed",
        max_length=40,
        blank=True,
        help_text=_(
            "Where the statute leaves it to the body which days it observes (Texas: a holiday "
            "on a weekend), the reading this agency follows. Empty: the statute's default."
        ),
    )
    notes = models.TextField(blank=True)
    # Where an imported agency came from ("18f:DOJ/Drug Enforcement Administration"), so that
    # re-importing updates it instead of creating a copy. Empty for agencies entered by hand.
    source_key = models.CharField(max_length=300, blank=True, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "agencies"
        constraints = [
            models.UniqueConstraint(
                fields=["source_key"],
                condition=~Q(source_key=""),
                name="agency_unique_source_key",
            ),
            models.UniqueConstraint(
                fields=["jurisdiction", "name"],
                condition=Q(parent__isnull=True),
                name="agency_unique_top_level_name",
                violation_error_message=_("This jurisdiction already has an agency of that name."),
            ),
            models.UniqueConstraint(
                fields=["parent", "name"],
                name="agency_unique_component_name",
                violation_error_message=_("That agency already has a component of that name."),
            ),
        ]
        indexes = [models.Index(fields=["abbreviation"])]

    def __str__(self) -> str:
        label = f"{self.name} ({self.abbreviation})" if self.abbreviation else self.name
        if self.parent_id and self.parent is not None:
            parent = self.parent.abbreviation or self.parent.name
            return f"{label} — {parent}"
        return label

    def clean(self) -> None:

        if self.observance and self.jurisdiction_id:
            choices = jurisdiction_observances(self.jurisdiction.code)
            if self.observance not in choices:
                known = "; ".join(f"{code} ({label})" for code, label in choices.items())
                raise ValidationError(
                    {
                        "observance": _(
                            "%(code)s has no observance %(value)r; its choices: %(known)s."
                        )
                        % {
                            "code": self.jurisdiction.code,
                            "value": self.observance,
                            "known": known or _("none (leave it empty)"),
                        }
                    }
                )
        if self.pk and self.parent_id == self.pk:
            raise ValidationError({"parent": _("An agency cannot be its own parent.")})
        if self.parent_id and self.jurisdiction_id and self.parent is not None:
            if self.parent.jurisdiction_id != self.jurisdiction_id:
                raise ValidationError(
                    {"parent": _("A component must be under the same jurisdiction as its agency.")}
                )
            if self.parent.parent_id:
                raise ValidationError(
                    {"parent": _("Components are one level deep: choose a top-level agency.")}
                )

    def get_admin_url(self) -> str:
        return reverse("admin:requests_app_agency_change", args=[self.pk])


class Topic(models.Model):
    """A tag for grouping requests (face recognition, biometrics, …)."""

    name = models.CharField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
