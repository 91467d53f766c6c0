"""Agencies, jurisdictions, records requests and their timeline, appeals and lawsuits.

Invariants that must never be false (date orders, one tracking number per agency, non-negative
fees) are database constraints; Django's model validation runs the same constraints, so the admin
shows their messages instead of failing at the database.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .calendars import FIRST_SUPPORTED_YEAR, LAST_SUPPORTED_YEAR
from .workflow import ADVERSE, RequestStatus


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


def _not_before(later: str, earlier: str, name: str, message: Any) -> models.CheckConstraint:
    """A date-order constraint that holds while either date is still unknown."""
    return models.CheckConstraint(
        condition=Q(**{f"{later}__isnull": True})
        | Q(**{f"{earlier}__isnull": True})
        | Q(**{f"{later}__gte": F(earlier)}),
        name=name,
        violation_error_message=message,
    )


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
        from django.core.exceptions import ValidationError

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


class ProcessingChoice(models.TextChoices):
    """The life of an expedited-processing or fee-waiver request."""

    NOT_REQUESTED = "not_requested", _("Not requested")
    REQUESTED = "requested", _("Requested")
    GRANTED = "granted", _("Granted")
    DENIED = "denied", _("Denied")


class RecordsRequest(models.Model):
    """One request to one agency (or component) under one law."""

    title = models.CharField(max_length=300)
    records_sought = models.TextField(help_text=_("What the request asks for, as sent."))
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="requests",
        help_text=_("The law the request is made under; the agency must be subject to it."),
    )
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="requests")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_requests",
        help_text=_("The person in the organisation responsible for this request."),
    )
    assigned_staff = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="assigned_requests"
    )
    status = models.CharField(
        max_length=20, choices=RequestStatus.choices, default=RequestStatus.DRAFT
    )
    filed_on = models.DateField(
        "filed", validators=[validate_supported_year], null=True, blank=True
    )
    received_on = models.DateField(
        "received by agency",
        validators=[validate_supported_year],
        null=True,
        blank=True,
        help_text=_("Starts the agency's clock."),
    )
    acknowledged_on = models.DateField(
        "acknowledged", validators=[validate_supported_year], null=True, blank=True
    )
    determined_on = models.DateField(
        "determined", validators=[validate_supported_year], null=True, blank=True
    )
    closed_on = models.DateField(
        "closed", validators=[validate_supported_year], null=True, blank=True
    )
    expedited_processing = models.CharField(
        max_length=20, choices=ProcessingChoice.choices, default=ProcessingChoice.NOT_REQUESTED
    )
    fee_waiver = models.CharField(
        max_length=20, choices=ProcessingChoice.choices, default=ProcessingChoice.NOT_REQUESTED
    )
    fees_estimated = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    fees_paid = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    topics = models.ManyToManyField(Topic, blank=True, related_name="requests")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[assigned_staff, topics])

    class Meta:
        ordering = ["-filed_on", "-pk"]
        verbose_name = "records request"
        constraints = [
            _not_before(
                "received_on",
                "filed_on",
                "request_received_not_before_filed",
                _("The agency cannot have received the request before it was filed."),
            ),
            _not_before(
                "acknowledged_on",
                "filed_on",
                "request_acknowledged_not_before_filed",
                _("The request cannot be acknowledged before it was filed."),
            ),
            _not_before(
                "acknowledged_on",
                "received_on",
                "request_acknowledged_not_before_received",
                _("The request cannot be acknowledged before the agency received it."),
            ),
            _not_before(
                "determined_on",
                "filed_on",
                "request_determined_not_before_filed",
                _("The request cannot be determined before it was filed."),
            ),
            _not_before(
                "determined_on",
                "received_on",
                "request_determined_not_before_received",
                _("The request cannot be determined before the agency received it."),
            ),
            _not_before(
                "closed_on",
                "filed_on",
                "request_closed_not_before_filed",
                _("The request cannot be closed before it was filed."),
            ),
            models.CheckConstraint(
                condition=Q(fees_estimated__isnull=True) | Q(fees_estimated__gte=0),
                name="request_fees_estimated_not_negative",
                violation_error_message=_("Estimated fees cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(fees_paid__isnull=True) | Q(fees_paid__gte=0),
                name="request_fees_paid_not_negative",
                violation_error_message=_("Fees paid cannot be negative."),
            ),
        ]
        indexes = [
            models.Index(fields=["status"]),
            models.Index(fields=["agency", "status"]),
            # The API's default order (newest filed first, the key breaking ties).
            models.Index(fields=["-filed_on", "-id"], name="request_filed_desc"),
            # Reports join every request by key for its agency, owner and status: from this
            # index alone instead of the wide rows (PostgreSQL's INCLUDE).
            models.Index(
                fields=["id"], include=["agency", "owner", "status"], name="request_report_cover"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, Any] = {}
        if (
            self.agency_id
            and self.jurisdiction_id
            and self.agency.jurisdiction_id != self.jurisdiction_id
        ):
            errors["agency"] = _(
                "%(agency)s is subject to %(agency_law)s, not %(law)s: "
                "choose an agency of the same jurisdiction as the law."
            ) % {
                "agency": self.agency,
                "agency_law": self.agency.jurisdiction.code,
                "law": self.jurisdiction.code,
            }
        if self.status != RequestStatus.DRAFT and not self.filed_on:
            errors["filed_on"] = _("A request that has been sent needs the date it was filed.")
        if errors:
            raise ValidationError(errors)

    def get_admin_url(self) -> str:
        return reverse("admin:requests_app_recordsrequest_change", args=[self.pk])

    @property
    def is_adverse(self) -> bool:
        return self.status in ADVERSE

    def current_tracking_number(self) -> TrackingNumber | None:
        """The most recently assigned tracking number (agencies re-number on referral/appeal)."""
        numbers = list(self.tracking_numbers.all())  # uses a prefetch when there is one
        if not numbers:
            return None
        return max(numbers, key=lambda t: (t.assigned_on, t.pk))


class TrackingNumber(models.Model):
    """A number an agency gave the request; the history is kept because agencies re-assign them."""

    request = models.ForeignKey(
        RecordsRequest, on_delete=models.CASCADE, related_name="tracking_numbers"
    )
    agency = models.ForeignKey(
        Agency,
        on_delete=models.PROTECT,
        related_name="tracking_numbers",
        blank=True,
        help_text=_("The agency that assigned it; defaults to the request's agency."),
    )
    number = models.CharField(max_length=100)
    assigned_on = models.DateField(validators=[validate_supported_year])
    note = models.CharField(max_length=300, blank=True, help_text=_("e.g. re-numbered on referral"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-assigned_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "number"],
                name="tracking_number_unique_per_agency",
                violation_error_message=_("This agency already used that tracking number."),
            ),
        ]
        indexes = [models.Index(fields=["number"])]

    def __str__(self) -> str:
        return self.number


class RequestEvent(models.Model):
    """One entry in a request's timeline: something sent, received, decided or noted."""

    class Kind(models.TextChoices):
        SENT = "sent", _("Request sent")
        ACKNOWLEDGED = "acknowledged", _("Acknowledged")
        TRACKING_NUMBER = "tracking_number", _("Tracking number assigned")
        CLARIFICATION_REQUESTED = "clarification_requested", _("Clarification requested")
        CLARIFICATION_ANSWERED = "clarification_answered", _("Clarification answered")
        FEE_NOTICE = "fee_notice", _("Fee notice")
        EXTENSION_NOTICE = "extension_notice", _("Extension notice")
        INTERIM_RELEASE = "interim_release", _("Interim release")
        DETERMINATION = "determination", _("Determination")
        APPEAL_FILED = "appeal_filed", _("Appeal filed")
        APPEAL_DECIDED = "appeal_decided", _("Appeal decided")
        LAWSUIT_FILED = "lawsuit_filed", _("Lawsuit filed")
        STATUS_CHANGED = "status_changed", _("Status changed")
        NOTE = "note", _("Note")

    class Direction(models.TextChoices):
        TO_AGENCY = "to_agency", _("To agency")
        FROM_AGENCY = "from_agency", _("From agency")
        INTERNAL = "internal", _("Internal")

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=30, choices=Kind.choices)
    occurred_on = models.DateField("date", validators=[validate_supported_year])
    direction = models.CharField(
        max_length=20, choices=Direction.choices, default=Direction.INTERNAL
    )
    text = models.TextField(blank=True)
    from_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, editable=False
    )
    to_status = models.CharField(
        max_length=20, choices=RequestStatus.choices, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["occurred_on", "pk"]
        verbose_name = "timeline event"
        indexes = [models.Index(fields=["request", "occurred_on"])]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()}"


class Appeal(models.Model):
    """The requester's administrative challenge of an adverse determination."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        GRANTED = "granted", _("Granted")
        PARTIALLY_GRANTED = "partially_granted", _("Partially granted")
        DENIED = "denied", _("Denied (affirmed)")
        REMANDED = "remanded", _("Remanded for further processing")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    request = models.ForeignKey(RecordsRequest, on_delete=models.CASCADE, related_name="appeals")
    filed_on = models.DateField("filed", validators=[validate_supported_year])
    received_on = models.DateField(
        "received by agency", validators=[validate_supported_year], null=True, blank=True
    )
    decided_on = models.DateField(
        "decided", validators=[validate_supported_year], null=True, blank=True
    )
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PENDING)
    tracking_number = models.CharField(max_length=100, blank=True)
    notes = models.TextField(blank=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-filed_on", "-pk"]
        constraints = [
            _not_before(
                "received_on",
                "filed_on",
                "appeal_received_not_before_filed",
                _("The appeal cannot have been received before it was filed."),
            ),
            _not_before(
                "decided_on",
                "received_on",
                "appeal_decided_not_before_received",
                _("The appeal cannot be decided before it was received."),
            ),
            _not_before(
                "decided_on",
                "filed_on",
                "appeal_decided_not_before_filed",
                _("The appeal cannot be decided before it was filed."),
            ),
            models.CheckConstraint(
                condition=Q(outcome="pending", decided_on__isnull=True)
                | (~Q(outcome="pending") & Q(decided_on__isnull=False)),
                name="appeal_decided_iff_outcome",
                violation_error_message=_(
                    "An appeal has a decision date exactly when its outcome is not pending."
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"Appeal of “{self.request}” filed {self.filed_on}"


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

    caption = models.CharField(max_length=300, help_text=_("e.g. ACLU v. DEA"))
    court = models.CharField(max_length=200, help_text=_("e.g. U.S. District Court, D. Mass."))
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
            _not_before(
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
        from django.core.exceptions import ValidationError

        if self.status not in (self.Status.PREPARING,) and not self.filed_on:
            raise ValidationError({"filed_on": _("A filed case needs its filing date.")})


class ClosureDay(models.Model):
    """A day a jurisdiction's offices were closed though no statute says so (an executive-order
    day off, a shutdown). It is skipped like a holiday when deadlines are counted; it tolls
    nothing."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.CASCADE, related_name="closures"
    )
    date = models.DateField(validators=[validate_supported_year])
    reason = models.CharField(max_length=200, help_text=_("e.g. Executive Order 14xxx, shutdown"))

    history = HistoricalRecords()

    class Meta:
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["jurisdiction", "date"],
                name="closure_day_unique_per_jurisdiction",
                violation_error_message=_("That day is already a closure day there."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.jurisdiction.code}: {self.reason}"


class CourtSchedule(models.Model):
    """A recurring court-ordered obligation ("a joint status report every 60 days until further
    order", "rolling production on the 15th of each month"), expanded into dated deadlines."""

    class Recurrence(models.TextChoices):
        EVERY_N_DAYS = "every_n_days", _("Every N days")
        MONTHLY_ON_DAY = "monthly_on_day", _("Monthly on a day of the month")

    lawsuit = models.ForeignKey(Lawsuit, on_delete=models.CASCADE, related_name="schedules")
    label = models.CharField(max_length=200, help_text=_("e.g. Joint status report"))
    order_reference = models.CharField(
        max_length=200, help_text=_("The order that sets it, e.g. ECF No. 25 (2020-01-15)")
    )
    recurrence = models.CharField(max_length=20, choices=Recurrence.choices)
    interval_days = models.PositiveIntegerField(null=True, blank=True)
    day_of_month = models.PositiveSmallIntegerField(null=True, blank=True)
    first_due = models.DateField(validators=[validate_supported_year])
    until = models.DateField(
        validators=[validate_supported_year],
        null=True,
        blank=True,
        help_text=_("Leave empty for “until further order”."),
    )
    cut_off_on = models.DateField(null=True, blank=True, editable=False)
    # Open-ended schedules are expanded ahead and extended by the daily sweep.
    expanded_through = models.DateField(null=True, blank=True, editable=False)
    cut_off_order = models.CharField(max_length=200, blank=True, editable=False)
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["first_due", "pk"]
        constraints = [
            models.CheckConstraint(
                # NULL passes a CHECK, so "is not null" is spelled out.
                condition=Q(
                    recurrence="every_n_days",
                    interval_days__isnull=False,
                    interval_days__gte=1,
                    day_of_month__isnull=True,
                )
                | Q(
                    recurrence="monthly_on_day",
                    interval_days__isnull=True,
                    day_of_month__isnull=False,
                    day_of_month__gte=1,
                    day_of_month__lte=31,
                ),
                name="court_schedule_recurrence_complete",
                violation_error_message=_(
                    "“Every N days” needs the number of days (and no day of the month); "
                    "“monthly” needs a day of the month from 1 to 31 (and no number of days)."
                ),
            ),
            _not_before(
                "until",
                "first_due",
                "court_schedule_until_not_before_first",
                _("A schedule cannot end before its first due date."),
            ),
        ]

    def __str__(self) -> str:
        if self.recurrence == self.Recurrence.EVERY_N_DAYS:
            every = f"every {self.interval_days} days"
        else:
            every = f"monthly on day {self.day_of_month}"
        end = f"until {self.until}" if self.until else "until further order"
        return f"{self.label}, {every} from {self.first_due} {end}"


class Deadline(models.Model):
    """A dated obligation with a legal source, attached to a request, an appeal or a lawsuit.

    A computed deadline keeps its `basis` (how it was counted) so that it can be recomputed and
    explain itself; a court-ordered one keeps the order. Overdue is derived from today's date in
    the organisation's time zone (`is_overdue`), never stored.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        MET = "met", _("Met")
        MISSED = "missed", _("Missed")
        WAIVED = "waived", _("Waived")
        SUPERSEDED = "superseded", _("Superseded")

    class Source(models.TextChoices):
        RULE = "rule", _("Statute or rule")
        COURT_ORDER = "court_order", _("Court order")

    request = models.ForeignKey(
        RecordsRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    appeal = models.ForeignKey(
        Appeal, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    lawsuit = models.ForeignKey(
        Lawsuit, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    label = models.CharField(max_length=200)
    due_on = models.DateField("due")
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.RULE)
    jurisdiction = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deadlines",
        help_text=_("Whose calendar counts it; empty for a date a court set."),
    )
    rule = models.CharField(
        max_length=40, blank=True, help_text=_("The rule's code, e.g. response")
    )
    citation = models.CharField(max_length=200, blank=True)
    # How the date was counted, so it can be recomputed and explained:
    #   {"rule": code, "trigger": iso}                       the rule applied to its trigger day
    #   {"resume": {"on": iso, "days_left": n}}              a tolled clock restarted
    #   {"extend": <basis>, "of_rule": code}                 an extension of another basis
    #   {"every_n_days": n, "from": iso, "occurrence": k}    a court schedule (rolled forward)
    basis = models.JSONField(default=dict, blank=True)
    trigger_event = models.ForeignKey(
        RequestEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="deadlines"
    )
    court_order = models.CharField(max_length=200, blank=True)
    schedule = models.ForeignKey(
        CourtSchedule, on_delete=models.CASCADE, null=True, blank=True, related_name="deadlines"
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="deadlines",
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    met_on = models.DateField(validators=[validate_supported_year], null=True, blank=True)
    # A stopped federal clock (552(a)(6)(A)(ii)): the day it stopped and the working days left.
    paused_on = models.DateField(validators=[validate_supported_year], null=True, blank=True)
    days_left = models.PositiveSmallIntegerField(null=True, blank=True)
    # Why it stopped: only one information request may stop a federal clock, fee clarifications
    # as often as needed (552(a)(6)(A)(ii)(I)-(II)). Kept after the clock resumes.
    paused_reason = models.CharField(
        max_length=20,
        blank=True,
        choices=[("information", "request for information"), ("fees", "fee clarification")],
    )
    superseded_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="supersedes"
    )
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(request__isnull=False, appeal__isnull=True, lawsuit__isnull=True)
                | Q(request__isnull=True, appeal__isnull=False, lawsuit__isnull=True)
                | Q(request__isnull=True, appeal__isnull=True, lawsuit__isnull=False),
                name="deadline_belongs_to_exactly_one",
                violation_error_message=_(
                    "A deadline belongs to exactly one request, appeal or lawsuit."
                ),
            ),
            # Met needs the day it was met; missed may have one (done late) or not (never done).
            models.CheckConstraint(
                condition=Q(status="met", met_on__isnull=False)
                | Q(status="missed")
                | (~Q(status__in=["met", "missed"]) & Q(met_on__isnull=True)),
                name="deadline_met_on_matches_status",
                violation_error_message=_(
                    "A met deadline needs the date it was met; only met or missed ones have one."
                ),
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_on"]),
            models.Index(fields=["jurisdiction", "status"]),
            # The API's default order, and "has an open running deadline due ..." per request
            # (overdue, due_within, due date ranges) without reading closed ones.
            models.Index(fields=["due_on", "id"], name="deadline_due_order"),
            models.Index(
                fields=["request", "due_on"],
                condition=Q(status="open", paused_on__isnull=True),
                name="deadline_running_by_request",
            ),
            # The same for appeals and lawsuits: a suit's court schedule holds hundreds of
            # dates, and "has an overdue deadline" must not read them all, suit by suit.
            models.Index(
                fields=["appeal", "due_on"],
                condition=Q(status="open", paused_on__isnull=True),
                name="deadline_running_by_appeal",
            ),
            models.Index(
                fields=["lawsuit", "due_on"],
                condition=Q(status="open", paused_on__isnull=True),
                name="deadline_running_by_lawsuit",
            ),
            # Every open running deadline by due date, with what the overdue report groups by:
            # "overdue" (due before today) is read from the index alone (PostgreSQL's INCLUDE;
            # elsewhere a plain partial index on the due date).
            models.Index(
                fields=["due_on"],
                include=["id", "request", "appeal", "responsible"],
                condition=Q(status="open", paused_on__isnull=True),
                name="deadline_running_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label} due {self.due_on}"

    @property
    def owner_record(self) -> RecordsRequest | Appeal | Lawsuit:
        record = self.request or self.appeal or self.lawsuit
        assert record is not None
        return record

    @property
    def is_paused(self) -> bool:
        return self.paused_on is not None

    def is_overdue(self, today: datetime.date) -> bool:
        """Open, running, and its day has passed (today is the organisation's date)."""
        return self.status == self.Status.OPEN and not self.is_paused and self.due_on < today


class ReminderPreference(models.Model):
    """How one person wants to hear about deadlines, and their private calendar feed."""

    class Delivery(models.TextChoices):
        INDIVIDUAL = "individual", _("One email per reminder")
        DIGEST = "digest", _("One daily digest")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminder_preference"
    )
    delivery = models.CharField(
        max_length=20, choices=Delivery.choices, default=Delivery.INDIVIDUAL
    )
    # The secret in the personal calendar feed's URL; empty = no feed (never made, or revoked).
    feed_token = models.CharField(max_length=64, blank=True, db_index=True)
    feed_token_created_at = models.DateTimeField(null=True, blank=True)
    feed_all_lawsuits = models.BooleanField(
        "all lawsuit deadlines in my calendar",
        default=False,
        help_text=_("Add every open lawsuit deadline to the feed, not only the ones you are on."),
    )
    muted_deadlines: models.ManyToManyField[Deadline, Any] = models.ManyToManyField(
        "Deadline", blank=True, related_name="muted_by", help_text=_("No reminders about these.")
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["feed_token"],
                condition=~Q(feed_token=""),
                name="reminder_preference_unique_feed_token",
            )
        ]

    def __str__(self) -> str:
        return f"Reminder preferences of {self.user}"


class Reminder(models.Model):
    """One notice about one deadline to one person for one reason on one day: the outbox row.

    queued → sending → sent; a failed send → failed, retried with backoff up to
    REMINDER_MAX_ATTEMPTS; a row stuck in sending longer than REMINDER_SENDING_TIMEOUT is put back
    in the queue. A deadline met, waived, superseded, stopped or moved before the send cancels the
    row (requests_app/reminders.py explains the delivery guarantee).
    """

    class Reason(models.TextChoices):
        UPCOMING = "upcoming", _("Upcoming")
        DUE_TODAY = "due_today", _("Due today")
        OVERDUE = "overdue", _("Overdue")

    class State(models.TextChoices):
        QUEUED = "queued", _("Queued")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    # No separate indexes on the two keys: the unique constraint leads with deadline, and the
    # (recipient, state) index with recipient; every index costs the sweep's bulk insert.
    deadline = models.ForeignKey(
        Deadline, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", db_index=False
    )
    reason = models.CharField(max_length=20, choices=Reason.choices)
    scheduled_for = models.DateField(help_text=_("The day it is due to go out."))
    # The due date the reminder speaks of: a deadline that moved since is rescheduled.
    due_on = models.DateField("about the due date")
    business_days_before = models.PositiveSmallIntegerField(null=True, blank=True)
    state = models.CharField(max_length=20, choices=State.choices, default=State.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    enqueued_at = models.DateTimeField(null=True, blank=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    message_id = models.CharField("Message-ID", max_length=255, blank=True)
    digest = models.BooleanField(default=False, help_text=_("Sent as part of a daily digest."))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["deadline", "recipient", "reason", "scheduled_for"],
                name="reminder_once_per_deadline_person_reason_day",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "scheduled_for"]),
            models.Index(fields=["recipient", "state"]),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} reminder to {self.recipient} for {self.deadline}"


# --- Precomputed reports (requests_app.report_snapshots) ----------------------------------------
# Three reports aggregate every request, release and document ever logged; at 200,000 requests
# and 1,000,000 documents their live SQL alone takes 0.8 to 1.6 s. They are computed by a refresh
# (Celery beat, `manage.py refresh_reports`) into these tables and read from them; each answer
# says when its figures were computed. Plain columns named as the report's row keys, no foreign
# keys: a snapshot is a copy of figures, replaced whole by the next refresh.


class ReportRefresh(models.Model):
    """When a precomputed report was last computed. Its row lock serialises refreshes."""

    report = models.CharField(max_length=40, unique=True)
    refreshed_at = models.DateTimeField(null=True, blank=True)
    seconds = models.FloatField(default=0, help_text=_("How long the last refresh took."))
    rows = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.report} as of {self.refreshed_at}"


class AgencyYearPerformance(models.Model):
    """One row of the agency-performance report: an agency and a year filed."""

    position = models.PositiveIntegerField(help_text=_("The report's order (agency name, year)."))
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    jurisdiction = models.CharField(max_length=10, help_text=_("The agency's jurisdiction code."))
    year = models.PositiveSmallIntegerField()
    requests_filed = models.PositiveIntegerField()
    determined = models.PositiveIntegerField()
    median_working_days = models.FloatField(null=True)
    p90_working_days = models.FloatField(null=True)
    share_on_time = models.FloatField(null=True)
    share_appealed = models.FloatField(null=True)
    share_litigated = models.FloatField(null=True)
    outcome_released_in_full = models.PositiveIntegerField()
    outcome_partially_released = models.PositiveIntegerField()
    outcome_denied = models.PositiveIntegerField()
    outcome_no_records = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["position"]), models.Index(fields=["agency", "year"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.year}"


class ReleaseDayTotals(models.Model):
    """Releases of one day, agency and lawsuit (none outside litigation), with their documents
    and pages: what the releases report adds up when it is asked for a date range."""

    released_on = models.DateField()
    month = models.CharField(max_length=7, help_text="YYYY-MM")
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    lawsuit = models.IntegerField(null=True)
    lawsuit_caption = models.CharField(max_length=300, blank=True)
    release_count = models.PositiveIntegerField()
    document_count = models.PositiveIntegerField()
    pages_released_total = models.PositiveIntegerField()
    pages_withheld_in_full_total = models.PositiveIntegerField()
    pages_withheld_in_part_total = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["released_on"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.released_on}"


class ReleaseMonthTotals(models.Model):
    """One row of the releases report: a month, agency and lawsuit (the day rows added up)."""

    month = models.CharField(max_length=7, help_text="YYYY-MM")
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    lawsuit = models.IntegerField(null=True)
    lawsuit_caption = models.CharField(max_length=300, blank=True)
    releases = models.PositiveIntegerField()
    documents = models.PositiveIntegerField()
    pages_released = models.PositiveIntegerField()
    pages_withheld_in_full = models.PositiveIntegerField()
    pages_withheld_in_part = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(F("month").desc(), "agency", "lawsuit", name="release_month_report_order"),
            models.Index(fields=["lawsuit"]),
        ]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.month}"


class ExemptionCitationTotals(models.Model):
    """One row of the exemptions report: an agency and an exemption code."""

    position = models.PositiveIntegerField(help_text=_("The report's order (agency name, code)."))
    agency = models.IntegerField()
    agency_name = models.CharField(max_length=300)
    exemption = models.CharField(max_length=20)
    releases = models.PositiveIntegerField()
    documents = models.PositiveIntegerField()

    class Meta:
        indexes = [models.Index(fields=["position"]), models.Index(fields=["agency"])]

    def __str__(self) -> str:
        return f"{self.agency_name}, {self.exemption}"


# Module-level names for the API schema's enum names (settings.SPECTACULAR_SETTINGS).
EventKind = RequestEvent.Kind
LawsuitStatus = Lawsuit.Status
DeadlineStatus = Deadline.Status
DeadlineSource = Deadline.Source
AppealOutcome = Appeal.Outcome
