"""Deadlines (computed from a rule or set by a court), court schedules and closure days."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from requests_app.models.agencies import Jurisdiction, not_before, validate_supported_year
from requests_app.models.appeals import Appeal
from requests_app.models.lawsuits import Lawsuit
from requests_app.models.requests import RecordsRequest, RequestEvent


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


class CalendarFingerprint(models.Model):
    """What a jurisdiction's statutory calendars (every forum and observance variant) looked like
    over the years of its open deadlines when they were last counted. Calendars are code: after
    a deploy changes one, the fingerprint differs and its open deadlines are recounted
    (``deadlines.recount``, run after ``migrate``)."""

    jurisdiction = models.OneToOneField(
        Jurisdiction, on_delete=models.CASCADE, related_name="calendar_fingerprint"
    )
    first_year = models.PositiveSmallIntegerField()
    last_year = models.PositiveSmallIntegerField()
    fingerprint = models.CharField(max_length=64, help_text=_("SHA-256 of the days off."))
    counted_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"{self.jurisdiction.code} {self.first_year}-{self.last_year}: {self.fingerprint}"


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
            not_before(
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
    the organisation's time zone, never stored: ``requests_app.deadlines.selectors`` says what
    running, overdue and due within mean, for a queryset and for one row alike.
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
        # Counted from the filing date while receipt is unknown: no statutory clock runs yet
        # (5 U.S.C. 552(a)(6)(A)(i) counts from receipt); the receipt date replaces it.
        ESTIMATE = "estimate", _("Estimate (receipt not confirmed)")

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
        # The partial indexes' condition is "running" as requests_app.deadlines.selectors
        # defines it, spelled out here because a model cannot import its selectors; a test keeps
        # the two equal, or the planner could no longer use these indexes for those queries.
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
