"""FOIA lawsuits: caption, court, docket, the requests they cover, defendants and counsel."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from requests_app.models.agencies import Agency, not_before, validate_supported_year
from requests_app.models.requests import RecordsRequest


class District(models.TextChoices):
    """The federal judicial district a suit is in, by its PACER court id, labelled as a citation
    names it. Its state's legal holidays count when a period's last day is rolled forward
    (FRCP 6(a)(6)(C): a "legal holiday" includes any day declared a holiday by the state where
    the district court is located)."""

    D_MASS = "mad", "D. Mass."
    D_D_C = "dcd", "D.D.C."
    N_D_CAL = "cand", "N.D. Cal."
    C_D_CAL = "cacd", "C.D. Cal."
    E_D_CAL = "caed", "E.D. Cal."
    S_D_CAL = "casd", "S.D. Cal."
    N_D_N_Y = "nynd", "N.D.N.Y."
    S_D_N_Y = "nysd", "S.D.N.Y."
    E_D_N_Y = "nyed", "E.D.N.Y."
    W_D_N_Y = "nywd", "W.D.N.Y."
    N_D_ILL = "ilnd", "N.D. Ill."
    C_D_ILL = "ilcd", "C.D. Ill."
    S_D_ILL = "ilsd", "S.D. Ill."
    N_D_TEX = "txnd", "N.D. Tex."
    S_D_TEX = "txsd", "S.D. Tex."
    E_D_TEX = "txed", "E.D. Tex."
    W_D_TEX = "txwd", "W.D. Tex."
    E_D_WASH = "waed", "E.D. Wash."
    W_D_WASH = "wawd", "W.D. Wash."
    N_D_FLA = "flnd", "N.D. Fla."
    M_D_FLA = "flmd", "M.D. Fla."
    S_D_FLA = "flsd", "S.D. Fla."


#: The state (or "US-DC") whose legal holidays a district's deadlines roll past; every value is
#: one of ``calendars.FORUMS`` (checked in the tests).
DISTRICT_FORUM: dict[str, str] = {
    district.value: "US-DC" if district == District.D_D_C else f"US-{district.value[:2].upper()}"
    for district in District
}


def district_forum(district: str) -> str | None:
    """The calendar forum of a district code, None for no district (federal holidays only)."""
    return DISTRICT_FORUM.get(district) if district else None


class Lawsuit(models.Model):
    """A FOIA case in court, covering one or more requests."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Preparing")
        FILED = "filed", _("Filed")
        SERVED = "served", _("Served")
        BRIEFING = "briefing", _("Briefing / summary judgment")
        PRODUCTION = "production", _("Production schedule")
        SETTLED = "settled", _("Settled")
        DECIDED = "decided", _("Decided")
        DISMISSED = "dismissed", _("Dismissed")
        CLOSED = "closed", _("Closed")

    #: The statuses of a case that is over: it owes no more court dates (its open deadlines are
    #: waived) and is no longer listed among the open cases.
    FINISHED = (Status.SETTLED, Status.DECIDED, Status.DISMISSED, Status.CLOSED)

    caption = models.CharField(max_length=300, help_text=_("e.g. ACLU v. DEA"))
    court = models.CharField(max_length=200, help_text=_("e.g. U.S. District Court, D. Mass."))
    district = models.CharField(
        max_length=4,
        choices=District.choices,
        blank=True,
        help_text=_(
            "The federal district the court sits in: its state's legal holidays move a last day "
            "too (FRCP 6(a)(6)(C)). Empty: federal holidays only."
        ),
    )
    docket_number = models.CharField(max_length=100, blank=True)
    filed_on = models.DateField(
        "filed", validators=[validate_supported_year], null=True, blank=True
    )
    served_on = models.DateField(
        "served", validators=[validate_supported_year], null=True, blank=True
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PREPARING)
    plaintiffs = models.TextField(help_text=_("One per line."))
    defendant_agencies = models.ManyToManyField(Agency, related_name="lawsuits_as_defendant")
    requests = models.ManyToManyField(
        RecordsRequest,
        related_name="lawsuits",
        blank=True,
        help_text=_("The records requests this suit seeks to enforce."),
    )
    counsel = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="lawsuits_as_counsel"
    )
    judge = models.CharField(max_length=200, blank=True)
    outcome = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[defendant_agencies, requests, counsel])

    class Meta:
        ordering = ["-filed_on", "-pk"]
        constraints = [
            not_before(
                "served_on",
                "filed_on",
                "lawsuit_served_not_before_filed",
                _("A complaint cannot be served before it was filed."),
            ),
            models.UniqueConstraint(
                fields=["court", "docket_number"],
                condition=~Q(docket_number=""),
                name="lawsuit_unique_docket_per_court",
                violation_error_message=_("That court already has a case with this docket number."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.caption} ({self.docket_number})" if self.docket_number else self.caption

    def get_admin_url(self) -> str:
        return reverse("admin:requests_app_lawsuit_change", args=[self.pk])

    def clean(self) -> None:

        if self.status not in (self.Status.PREPARING,) and not self.filed_on:
            raise ValidationError({"filed_on": _("A filed case needs its filing date.")})


def _covered_request_str(link: models.Model) -> str:
    """A suit's link to a request it covers, as people name it: "<request> (covered by <suit>)",
    where the admin shows one (the suit's inline, a deletion's list), not "Lawsuit_requests
    object (5)"."""
    return f"{link.recordsrequest} (covered by {link.lawsuit})"  # type: ignore[attr-defined]


# Django creates the link model itself (no `through=`); giving it a name needs no migration.
Lawsuit.requests.through.__str__ = _covered_request_str  # type: ignore[assignment,method-assign]
