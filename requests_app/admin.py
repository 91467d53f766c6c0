"""The staff's workplace: requests, agencies, appeals and lawsuits in the Django admin.

The admin is thin: forms validate with the same workflow rules and model constraints the services
use, and every save that moves a request (status, appeal, tracking number, lawsuit) goes through
requests_app.services, so the timeline and the history are the same whichever door staff use.
"""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from simple_history.admin import SimpleHistoryAdmin

from . import deadlines, services
from .models import (
    Agency,
    Appeal,
    ClosureDay,
    CourtSchedule,
    Deadline,
    Jurisdiction,
    Lawsuit,
    RecordsRequest,
    RequestEvent,
    Topic,
    TrackingNumber,
)
from .selectors import closures_for
from .workflow import (
    PENDING,
    RequestStatus,
    TransitionNotAllowed,
    allowed_targets,
    can_transition,
)

User = get_user_model()


def _action_page(
    model_admin: admin.ModelAdmin[Any],
    request: HttpRequest,
    queryset: QuerySet[Any],
    form: forms.Form,
    action: str,
    title: str,
) -> HttpResponse:
    """The intermediate page of a bulk action that needs input (a date, a person)."""
    context = {
        **model_admin.admin_site.each_context(request),
        "title": title,
        "objects": queryset,
        "form": form,
        "action": action,
        "opts": model_admin.model._meta,
        "selected": request.POST.getlist(helpers.ACTION_CHECKBOX_NAME),
    }
    return TemplateResponse(request, "admin/requests_app/action_with_form.html", context)


def _actor(request: HttpRequest) -> Any:
    """The logged-in staff member, for the timeline and the history (admin views need a login)."""
    return request.user


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["name"]
    search_fields = ["name"]


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "level", "law_name", "law_citation"]
    list_filter = ["level"]
    search_fields = ["code", "name", "law_name"]


class ComponentInline(admin.TabularInline):
    model = Agency
    fk_name = "parent"
    fields = ["name", "abbreviation", "foia_email", "phone"]
    readonly_fields = ["name", "abbreviation", "foia_email", "phone"]
    extra = 0
    can_delete = False
    show_change_link = True
    verbose_name = "component"
    verbose_name_plural = "components"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TopLevelFilter(admin.SimpleListFilter):
    title = "level"
    parameter_name = "level"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("agency", "Top-level agencies"), ("component", "Components")]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Agency]) -> QuerySet[Agency]:
        if self.value() == "agency":
            return queryset.filter(parent__isnull=True)
        if self.value() == "component":
            return queryset.filter(parent__isnull=False)
        return queryset


@admin.register(Agency)
class AgencyAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "abbreviation",
        "parent",
        "jurisdiction",
        "foia_email",
        "requests_count",
    ]
    list_filter = [TopLevelFilter, "jurisdiction"]
    search_fields = ["name", "abbreviation", "parent__name", "parent__abbreviation"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent", "jurisdiction"]
    inlines = [ComponentInline]
    fieldsets = [
        (None, {"fields": ["name", "abbreviation", "parent", "jurisdiction"]}),
        (
            "How to reach the FOIA office",
            {"fields": ["foia_email", "request_url", "mailing_address", "phone", "website"]},
        ),
        (None, {"fields": ["notes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Agency]:
        # A grouped query drops Meta.ordering; the autocomplete paginates, so order explicitly.
        return (
            super()
            .get_queryset(request)
            .annotate(_requests=Count("requests"))
            .order_by("name", "pk")
        )

    @admin.display(description="requests", ordering="_requests")
    def requests_count(self, obj: Agency) -> int:
        return obj._requests  # type: ignore[attr-defined]


# --- Deadlines ----------------------------------------------------------------------------------


def _deadline_state(deadline: Deadline) -> str:
    """Status in words, with "overdue" derived from today in the organisation's time zone."""
    if deadline.is_overdue(timezone.localdate()):
        days = (timezone.localdate() - deadline.due_on).days
        return f"OVERDUE by {days} day{'s' if days != 1 else ''}"
    if deadline.is_paused:
        return f"Clock stopped {deadline.paused_on} ({deadline.days_left} working days left)"
    label = str(deadline.get_status_display())
    if deadline.met_on:
        label += f" on {deadline.met_on}"
    return label


class DeadlineInline(admin.TabularInline):
    """A record's deadlines, open first, each with how its date was worked out."""

    model = Deadline
    extra = 0
    can_delete = False
    show_change_link = True
    fields = ["label", "due_on", "state", "explanation", "responsible"]
    readonly_fields = ["label", "due_on", "state", "explanation", "responsible"]
    verbose_name_plural = "deadlines (how each date was worked out)"

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deadline]:
        return (
            super()
            .get_queryset(request)
            .select_related("jurisdiction", "responsible")
            .order_by("status", "due_on", "pk")
        )

    @admin.display(description="state")
    def state(self, obj: Deadline) -> str:
        return _deadline_state(obj)

    @admin.display(description="explanation")
    def explanation(self, obj: Deadline) -> str:
        return deadlines.explanation_text(obj, self._closures(obj))

    def _closures(self, obj: Deadline) -> dict[datetime.date, str] | None:
        # One closure-day query per jurisdiction and page, not one per deadline.
        if obj.jurisdiction is None:
            return None
        cache: dict[str, dict[datetime.date, str]] = self.__dict__.setdefault("_closure_cache", {})
        code = obj.jurisdiction.code
        if code not in cache:
            cache[code] = closures_for(code)
        return cache[code]


class RequestDeadlineInline(DeadlineInline):
    fk_name = "request"


class AppealDeadlineInline(DeadlineInline):
    fk_name = "appeal"


class LawsuitDeadlineInline(DeadlineInline):
    fk_name = "lawsuit"


class ScheduleDeadlineInline(DeadlineInline):
    fk_name = "schedule"


class DueFilter(admin.SimpleListFilter):
    """Overdue, or due within the next N days (open deadlines only)."""

    title = "deadline"
    parameter_name = "due"
    WINDOWS = (7, 14, 30)

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", "Overdue")] + [
            (str(n), f"Due in the next {n} days") for n in self.WINDOWS
        ]

    def _deadlines(self) -> QuerySet[Deadline] | None:
        today = timezone.localdate()
        value = self.value()
        if value == "overdue":
            return deadlines.deadlines_overdue(today)
        if value in {str(n) for n in self.WINDOWS}:
            return deadlines.deadlines_due_within(today, int(value))
        return None

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        due = self._deadlines()
        if due is None:
            return queryset
        if queryset.model is Deadline:
            return queryset.filter(pk__in=due.values("pk"))
        return queryset.filter(
            Q(pk__in=due.values("request_id")) | Q(appeals__pk__in=due.values("appeal_id"))
        ).distinct()


class MarkMetForm(forms.Form):
    met_on = forms.DateField(
        label="Met on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the obligation was fulfilled; after the due date it counts as missed.",
    )


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["label", "record", "due_on", "state", "responsible", "source"]
    list_filter = [DueFilter, "status", "source", "jurisdiction", "rule"]
    search_fields = ["label", "citation", "court_order", "request__title", "lawsuit__caption"]
    date_hierarchy = "due_on"
    list_select_related = ["request", "appeal__request", "lawsuit", "responsible", "jurisdiction"]
    actions = ["mark_met", "mark_waived"]
    fields = [
        "label",
        "record",
        "due_on",
        "state",
        "explanation",
        "citation",
        "court_order",
        "responsible",
        "superseded_by",
        "note",
    ]
    readonly_fields = [
        "label",
        "record",
        "due_on",
        "state",
        "explanation",
        "citation",
        "court_order",
        "superseded_by",
    ]

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Deadlines come from events and court orders, on their request's or lawsuit's page.
        return False

    @admin.display(description="for")
    def record(self, obj: Deadline) -> str:
        record = obj.owner_record
        return format_html('<a href="{}">{}</a>', _admin_url(record), record)

    @admin.display(description="state")
    def state(self, obj: Deadline) -> str:
        return _deadline_state(obj)

    @admin.display(description="how the date was worked out")
    def explanation(self, obj: Deadline) -> str:
        return deadlines.explanation_text(obj)

    @admin.action(description="Mark the selected deadlines met (with a date)")
    def mark_met(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> HttpResponse | None:
        form = MarkMetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._mark(request, queryset, Deadline.Status.MET, form.cleaned_data["met_on"])
            return None
        return _action_page(self, request, queryset, form, "mark_met", "Mark deadlines met")

    @admin.action(description="Waive the selected deadlines")
    def mark_waived(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> None:
        self._mark(request, queryset, Deadline.Status.WAIVED, None)

    def _mark(
        self, request: HttpRequest, queryset: QuerySet[Deadline], status: str, on: Any
    ) -> None:
        done = 0
        for deadline in queryset:
            try:
                deadlines.deadline_mark(
                    deadline=deadline, status=status, on=on, note=f"Marked by {request.user}."
                )
            except ValidationError as exc:
                self.message_user(
                    request, f"“{deadline}”: {' '.join(exc.messages)}", messages.WARNING
                )
            else:
                done += 1
        if done:
            self.message_user(request, f"Updated {done} deadline(s).", messages.SUCCESS)


def _admin_url(record: Any) -> str:
    from django.urls import reverse

    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def _moves_message(moves: list[deadlines.Move]) -> str:
    if not moves:
        return "No open deadline moved."
    shown = "; ".join(str(m) for m in moves[:10])
    more = f"; and {len(moves) - 10} more" if len(moves) > 10 else ""
    return f"{len(moves)} open deadline(s) moved: {shown}{more}."


@admin.register(ClosureDay)
class ClosureDayAdmin(SimpleHistoryAdmin):
    """Closure days are skipped like holidays; adding or removing one recounts open deadlines."""

    list_display = ["date", "jurisdiction", "reason"]
    list_filter = ["jurisdiction"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: ClosureDay, form: Any, change: bool) -> None:
        if change:
            closure, moves = deadlines.closure_day_change(
                closure=obj, jurisdiction=obj.jurisdiction, date=obj.date, reason=obj.reason
            )
        else:
            closure, moves = deadlines.closure_day_add(
                jurisdiction=obj.jurisdiction, date=obj.date, reason=obj.reason
            )
        obj.pk = closure.pk
        self.message_user(request, _moves_message(moves), messages.INFO)

    def delete_model(self, request: HttpRequest, obj: ClosureDay) -> None:
        self.message_user(request, _moves_message(deadlines.closure_day_remove(closure=obj)))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClosureDay]) -> None:
        moves: list[deadlines.Move] = []
        for closure in queryset:
            moves += deadlines.closure_day_remove(closure=closure)
        self.message_user(request, _moves_message(moves))


class CourtDeadlineForm(forms.ModelForm):
    class Meta:
        model = Deadline
        fields = ["label", "due_on", "court_order", "responsible"]

    def clean_court_order(self) -> str:
        value: str = self.cleaned_data.get("court_order", "").strip()
        if not value:
            raise ValidationError("Name the order that sets this date (e.g. ECF No. 12).")
        return value


class CourtDeadlineInline(admin.TabularInline):
    """Lawyers enter dates a court set; they are not counted or moved."""

    model = Deadline
    fk_name = "lawsuit"
    form = CourtDeadlineForm
    extra = 0
    verbose_name = "court-ordered date"
    verbose_name_plural = "add a court-ordered date"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Deadline]:
        return super().get_queryset(request).none()


class CourtScheduleForm(forms.ModelForm):
    class Meta:
        model = CourtSchedule
        fields = [
            "label",
            "order_reference",
            "recurrence",
            "interval_days",
            "day_of_month",
            "first_due",
            "until",
            "responsible",
        ]


class CourtScheduleInline(admin.StackedInline):
    model = CourtSchedule
    form = CourtScheduleForm
    extra = 0
    verbose_name = "recurring court-ordered schedule"
    show_change_link = True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # A schedule is changed by a new order: cut it off (schedule page) and add the new one.
        return False


class CutOffForm(forms.Form):
    after = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="Open deadlines due after this day are superseded.",
    )
    order_reference = forms.CharField(max_length=200, help_text="The order that ends it.")


@admin.register(CourtSchedule)
class CourtScheduleAdmin(SimpleHistoryAdmin):
    list_display = [
        "label",
        "lawsuit",
        "recurrence",
        "first_due",
        "until",
        "expanded_through",
        "cut_off_on",
    ]
    list_filter = ["recurrence"]
    search_fields = ["label", "order_reference", "lawsuit__caption"]
    readonly_fields = ["expanded_through", "cut_off_on", "cut_off_order"]
    inlines = [ScheduleDeadlineInline]
    actions = ["cut_off"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # schedules are added on their lawsuit's page

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.action(description="Cut off the selected schedules (a new order ends them)")
    def cut_off(
        self, request: HttpRequest, queryset: QuerySet[CourtSchedule]
    ) -> HttpResponse | None:
        form = CutOffForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            total = 0
            for schedule in queryset:
                total += deadlines.court_schedule_cut_off(
                    schedule=schedule,
                    after=form.cleaned_data["after"],
                    order_reference=form.cleaned_data["order_reference"],
                )
            self.message_user(request, f"Superseded {total} open deadline(s).", messages.SUCCESS)
            return None
        return _action_page(self, request, queryset, form, "cut_off", "Cut off schedules")


# --- Records requests -------------------------------------------------------------------------


class TrackingNumberForm(forms.ModelForm):
    class Meta:
        model = TrackingNumber
        fields = ["number", "agency", "assigned_on", "note"]

    def __init__(self, *args: Any, parent_request: RecordsRequest | None = None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.parent_request = parent_request

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        parent = self.parent_request
        if not cleaned.get("agency") and parent is not None and parent.agency_id:
            # Default to the request's agency, before the model checks the per-agency uniqueness.
            cleaned["agency"] = parent.agency
        if cleaned.get("number"):
            cleaned["number"] = cleaned["number"].strip()
        return cleaned


class TrackingNumberFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index: int | None) -> dict[str, Any]:
        return {**super().get_form_kwargs(index), "parent_request": self.instance}

    def clean(self) -> None:
        super().clean()
        seen: set[tuple[Any, str]] = set()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if data.get("DELETE") or not data.get("number"):
                continue
            key = (data.get("agency"), data["number"])
            if key in seen:
                raise ValidationError(f"Tracking number {data['number']} is entered twice.")
            seen.add(key)


class TrackingNumberInline(admin.TabularInline):
    model = TrackingNumber
    form = TrackingNumberForm
    formset = TrackingNumberFormSet
    extra = 0
    autocomplete_fields = ["agency"]
    verbose_name_plural = (
        "tracking numbers (newest first; agencies re-number on referral and appeal)"
    )


class RequestEventForm(forms.ModelForm):
    class Meta:
        model = RequestEvent
        fields = ["occurred_on", "kind", "direction", "text"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Status changes are written by the workflow, never typed in by hand.
        if self.instance.kind != RequestEvent.Kind.STATUS_CHANGED:
            kind: Any = self.fields["kind"]
            kind.choices = [c for c in kind.choices if c[0] != RequestEvent.Kind.STATUS_CHANGED]


# Timeline entries that are also events in the law: logging one moves the agency's clock.
CLOCK_EVENTS = {
    RequestEvent.Kind.CLARIFICATION_REQUESTED,
    RequestEvent.Kind.FEE_NOTICE,
    RequestEvent.Kind.CLARIFICATION_ANSWERED,
    RequestEvent.Kind.EXTENSION_NOTICE,
}


class RequestEventFormSet(forms.BaseInlineFormSet):
    """Letters that stop, restart or extend the clock are checked before anything saves."""

    def clean(self) -> None:
        super().clean()
        clock_forms = [
            form
            for form in self.forms
            if (data := getattr(form, "cleaned_data", None))
            and not data.get("DELETE")
            and form.instance.pk is None
            and data.get("kind") in CLOCK_EVENTS
        ]
        if len(clock_forms) > 1:
            raise ValidationError(
                "Log one letter that stops, restarts or extends the clock at a time."
            )
        if not clock_forms:
            return
        request = self.instance
        kind = clock_forms[0].cleaned_data["kind"]
        on = clock_forms[0].cleaned_data.get("occurred_on")
        status = request.status
        label = RequestStatus(status).label
        problem = None
        if kind in (RequestEvent.Kind.CLARIFICATION_REQUESTED, RequestEvent.Kind.FEE_NOTICE):
            if not can_transition(status, RequestStatus.TOLLED):
                problem = f"A request that is “{label}” cannot be tolled."
            elif on and request.received_on and on < request.received_on:
                problem = "The agency cannot stop the clock before it received the request."
        elif kind == RequestEvent.Kind.CLARIFICATION_ANSWERED:
            stopped = request.deadlines.filter(paused_on__isnull=False, status="open").first()
            if status != RequestStatus.TOLLED:
                problem = f"The request is “{label}”, not tolled: there is no stopped clock."
            elif on and stopped and stopped.paused_on and on < stopped.paused_on:
                problem = f"The reply cannot predate the stop ({stopped.paused_on})."
        elif request.pk is None:
            problem = "Save the request with its receipt date before logging an extension."
        else:
            problem = deadlines.extension_problem(request)
        if problem:
            raise ValidationError(problem)


class RequestEventInline(admin.TabularInline):
    """The timeline: entries are added, never rewritten (a correction is a new entry)."""

    model = RequestEvent
    form = RequestEventForm
    formset = RequestEventFormSet
    extra = 0
    can_delete = False
    fields = ["occurred_on", "kind", "direction", "text", "status_change", "created_by"]
    readonly_fields = ["status_change", "created_by"]
    verbose_name_plural = "timeline"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="status")
    def status_change(self, obj: RequestEvent) -> str:
        if not obj.to_status:
            return ""
        before = RequestStatus(obj.from_status).label if obj.from_status else "—"
        return f"{before} → {RequestStatus(obj.to_status).label}"


class AppealForm(forms.ModelForm):
    class Meta:
        model = Appeal
        fields = ["filed_on", "received_on", "tracking_number", "decided_on", "outcome", "notes"]


class AppealFormSet(forms.BaseInlineFormSet):
    """An appeal can only be added after an adverse determination; say so before anything saves."""

    def clean(self) -> None:
        super().clean()
        status = self.instance.status
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            adding = form.instance.pk is None and status != RequestStatus.APPEALED
            if adding and not can_transition(status, RequestStatus.APPEALED):
                raise ValidationError(
                    f"An appeal cannot be added while the request is "
                    f"“{RequestStatus(status).label}”: appeals follow an adverse "
                    f"determination (partially released, denied or no records)."
                )


class AppealInline(admin.StackedInline):
    model = Appeal
    form = AppealForm
    formset = AppealFormSet
    extra = 0
    show_change_link = True


# Moves that carry a date the timeline must give: tolling stops the clock on the letter's date,
# resuming restarts it on the reply's date.
_TIMELINE_ONLY_TARGETS = frozenset({RequestStatus.TOLLED})


class RecordsRequestForm(forms.ModelForm):
    """The request page's form: the status may only move along the workflow."""

    class Meta:
        model = RecordsRequest
        fields = [
            "title",
            "records_sought",
            "jurisdiction",
            "agency",
            "topics",
            "owner",
            "assigned_staff",
            "status",
            "filed_on",
            "received_on",
            "acknowledged_on",
            "determined_on",
            "closed_on",
            "expedited_processing",
            "fee_waiver",
            "fees_estimated",
            "fees_paid",
        ]

    def clean_status(self) -> str:
        new = self.cleaned_data["status"]
        old = self.initial.get("status") if self.instance.pk else None
        if old and old != new and not can_transition(old, new):
            raise ValidationError(str(TransitionNotAllowed(old, new)))
        if old and old != new and new == RequestStatus.TOLLED:
            raise ValidationError(
                "To toll, log the agency's letter in the timeline (“Clarification requested” or "
                "“Fee notice”): the clock stops on the letter's date."
            )
        if old == RequestStatus.TOLLED and new in PENDING:
            raise ValidationError(
                "To resume, log our reply in the timeline (“Clarification answered”): the clock "
                "restarts on the reply's date with the days that were left."
            )
        return new


class OverdueLawsuitFilter(admin.SimpleListFilter):
    title = "lawsuit"
    parameter_name = "lawsuit"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        items: list[tuple[str, str]] = [("none", "Not in litigation")]
        items += [
            (str(pk), caption) for pk, caption in Lawsuit.objects.values_list("pk", "caption")
        ]
        return items

    def queryset(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> QuerySet[RecordsRequest]:
        value = self.value()
        if value == "none":
            return queryset.filter(lawsuits__isnull=True)
        if value and value.isdigit():
            return queryset.filter(lawsuits__pk=int(value))
        return queryset


class AssignOwnerForm(forms.Form):
    owner = forms.ModelChoiceField(
        queryset=User.objects.filter(is_active=True, is_staff=True).order_by("username"),
        help_text="The person who will be responsible for the selected requests.",
    )


class AcknowledgmentForm(forms.Form):
    acknowledged_on = forms.DateField(
        label="Acknowledged on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The date of the agency's acknowledgment letter.",
    )

    def clean_acknowledged_on(self) -> datetime.date:
        value: datetime.date = self.cleaned_data["acknowledged_on"]
        if value > timezone.localdate():
            raise ValidationError("An acknowledgment cannot be dated in the future.")
        return value


@admin.register(RecordsRequest)
class RecordsRequestAdmin(SimpleHistoryAdmin):
    form = RecordsRequestForm
    list_display = [
        "title",
        "status",
        "agency",
        "owner",
        "latest_tracking_number",
        "filed_on",
    ]
    list_filter = [
        "status",
        "jurisdiction",
        ("agency", admin.RelatedOnlyFieldListFilter),
        ("owner", admin.RelatedOnlyFieldListFilter),
        DueFilter,
        OverdueLawsuitFilter,
        "topics",
    ]
    search_fields = ["title", "tracking_numbers__number", "records_sought"]
    date_hierarchy = "filed_on"
    autocomplete_fields = ["agency", "owner", "assigned_staff", "topics"]
    list_select_related = ["agency", "agency__parent", "owner"]
    readonly_fields = ["lawsuit_links", "created_at", "updated_at"]
    inlines = [RequestDeadlineInline, TrackingNumberInline, AppealInline, RequestEventInline]
    actions = ["assign_owner", "record_acknowledgment"]
    fieldsets = [
        (None, {"fields": ["title", "records_sought", "jurisdiction", "agency", "topics"]}),
        ("People", {"fields": ["owner", "assigned_staff"]}),
        (
            "Status and dates",
            {
                "fields": [
                    "status",
                    "filed_on",
                    "received_on",
                    "acknowledged_on",
                    "determined_on",
                    "closed_on",
                ],
                "description": "Status moves along the workflow only; a forbidden move is refused "
                "with the states it could go to.",
            },
        ),
        (
            "Expedited processing and fees",
            {"fields": ["expedited_processing", "fee_waiver", "fees_estimated", "fees_paid"]},
        ),
        ("Litigation", {"fields": ["lawsuit_links"]}),
        ("Record", {"fields": ["created_at", "updated_at"], "classes": ["collapse"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[RecordsRequest]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related(
                Prefetch(
                    "tracking_numbers", queryset=TrackingNumber.objects.order_by("-assigned_on")
                )
            )
        )

    @admin.display(description="tracking number")
    def latest_tracking_number(self, obj: RecordsRequest) -> str:
        current = obj.current_tracking_number()
        return current.number if current else "—"

    @admin.display(description="lawsuits")
    def lawsuit_links(self, obj: RecordsRequest) -> str:
        if not obj.pk:
            return "—"
        suits = list(obj.lawsuits.all())
        if not suits:
            return "Not covered by a lawsuit."
        return format_html_join(
            ", ", '<a href="{}">{}</a>', ((s.get_admin_url(), str(s)) for s in suits)
        )

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        initial = super().get_changeform_initial_data(request)
        initial.setdefault("owner", request.user.pk)
        return initial

    def formfield_for_choice_field(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        field = super().formfield_for_choice_field(db_field, request, **kwargs)
        if db_field.name == "status":
            obj = getattr(request, "_editing_request", None)
            if obj is not None:
                allowed = set(allowed_targets(obj.status)) - _TIMELINE_ONLY_TARGETS
                if obj.status == RequestStatus.TOLLED:
                    allowed -= PENDING
                allowed.add(obj.status)
                field.choices = [c for c in field.choices if c[0] in allowed]
        return field

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        request._editing_request = obj  # type: ignore[attr-defined]
        return super().get_form(request, obj, change, **kwargs)

    def save_model(
        self, request: HttpRequest, obj: RecordsRequest, form: Any, change: bool
    ) -> None:
        status_moved = change and "status" in form.changed_data
        new_status = obj.status
        if status_moved:
            # Save the other edits first; the service then moves the status through the workflow,
            # checked again under a row lock.
            obj.status = form.initial["status"]
        super().save_model(request, obj, form, change)
        services.request_apply_edits(
            request=obj,
            changed=set(form.changed_data),
            created=not change,
            to_status=new_status if status_moved else None,
            by=_actor(request),
        )

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        if formset.model is TrackingNumber:
            self._save_tracking_numbers(request, formset)
        elif formset.model is Appeal:
            self._save_appeals(request, formset)
        elif formset.model is RequestEvent:
            self._save_events(request, formset)
        else:
            super().save_formset(request, form, formset, change)

    def _save_events(self, request: HttpRequest, formset: Any) -> None:
        for event in formset.save(commit=False):
            if event.pk is None and event.kind in CLOCK_EVENTS:
                # The service logs the letter itself and moves the status and the deadlines.
                services.request_log_letter(
                    request=formset.instance,
                    kind=event.kind,
                    on=event.occurred_on,
                    text=event.text,
                    by=_actor(request),
                )
                continue
            if event.pk is None:
                event.created_by = request.user
            event.save()
        for event in formset.deleted_objects:
            event.delete()

    def _save_tracking_numbers(self, request: HttpRequest, formset: Any) -> None:
        numbers = formset.save(commit=False)
        for number in numbers:
            if number.pk is None:
                services.tracking_number_assign(
                    request=formset.instance,
                    number=number.number,
                    assigned_on=number.assigned_on,
                    agency=number.agency,
                    note=number.note,
                    by=_actor(request),
                )
            else:
                number._history_user = request.user
                number.save()
        for number in formset.deleted_objects:
            number.delete()

    def _save_appeals(self, request: HttpRequest, formset: Any) -> None:
        appeals = formset.save(commit=False)  # also fills formset.changed_objects
        changed_fields = {obj.pk: fields for obj, fields in formset.changed_objects}
        for appeal in appeals:
            appeal._history_user = request.user
            services.appeal_save(
                appeal=appeal,
                request=formset.instance,
                changed=set(changed_fields.get(appeal.pk, [])),
                by=_actor(request),
            )
        for appeal in formset.deleted_objects:
            appeal.delete()

    @admin.action(description="Assign an owner to the selected requests")
    def assign_owner(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> HttpResponse | None:
        form = AssignOwnerForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            changed = services.requests_assign_owner(
                requests=list(queryset), owner=form.cleaned_data["owner"], by=_actor(request)
            )
            self.message_user(
                request,
                f"Assigned {changed} request(s) to {form.cleaned_data['owner']}; "
                f"{queryset.count() - changed} already had that owner.",
                messages.SUCCESS,
            )
            return None
        return _action_page(self, request, queryset, form, "assign_owner", "Assign an owner")

    @admin.action(description="Record acknowledgment (with its date)")
    def record_acknowledgment(
        self, request: HttpRequest, queryset: QuerySet[RecordsRequest]
    ) -> HttpResponse | None:
        form = AcknowledgmentForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            done, refused = services.requests_acknowledge(
                requests=list(queryset),
                acknowledged_on=form.cleaned_data["acknowledged_on"],
                by=_actor(request),
            )
            if done:
                self.message_user(
                    request,
                    f"Recorded the acknowledgment of {len(done)} request(s).",
                    messages.SUCCESS,
                )
            for req, reason in refused:
                self.message_user(
                    request, f"“{req}” was left unchanged: {reason}", messages.WARNING
                )
            return None
        return _action_page(
            self, request, queryset, form, "record_acknowledgment", "Record an acknowledgment"
        )


@admin.register(Appeal)
class AppealAdmin(SimpleHistoryAdmin):
    list_display = [
        "request",
        "filed_on",
        "received_on",
        "decided_on",
        "outcome",
        "tracking_number",
    ]
    list_filter = ["outcome", ("request__agency", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["request__title", "tracking_number"]
    date_hierarchy = "filed_on"
    autocomplete_fields = ["request"]
    list_select_related = ["request"]
    readonly_fields = ["request", "filed_on", "decided_on", "outcome"]
    inlines = [AppealDeadlineInline]

    def save_model(self, request: HttpRequest, obj: Appeal, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if obj.received_on and "received_on" in form.changed_data:
            # Receipt of the appeal starts (or, corrected, recounts) its 20 working days.
            services.appeal_record_receipt(
                appeal=obj, received_on=obj.received_on, by=_actor(request)
            )

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Appeals are added on their request's page, where the workflow can move the request.
        return False


# --- Lawsuits ------------------------------------------------------------------------------------


class LawsuitForm(forms.ModelForm):
    """The lawsuit page's form: newly covered requests must be able to enter litigation."""

    class Meta:
        model = Lawsuit
        fields = [
            "caption",
            "court",
            "docket_number",
            "judge",
            "status",
            "plaintiffs",
            "defendant_agencies",
            "counsel",
            "filed_on",
            "served_on",
            "requests",
            "outcome",
            "notes",
        ]

    def clean_requests(self) -> Any:
        chosen = self.cleaned_data.get("requests")
        if not chosen:
            return chosen
        already = (
            set(self.instance.requests.values_list("pk", flat=True)) if self.instance.pk else set()
        )
        problems = [
            f"“{r}” is “{RequestStatus(r.status).label}”"
            for r in chosen
            if r.pk not in already
            and r.status != RequestStatus.IN_LITIGATION
            and not can_transition(r.status, RequestStatus.IN_LITIGATION)
        ]
        if problems:
            raise ValidationError(
                "These requests cannot go into litigation: " + "; ".join(problems) + "."
            )
        return chosen


class LawsuitRequestInline(admin.TabularInline):
    """The requests a suit covers, with where each stands; editing happens on the request."""

    model = Lawsuit.requests.through
    verbose_name = "covered request"
    verbose_name_plural = "requests covered by this suit"
    extra = 0
    can_delete = False
    fields = ["request_link", "agency", "status", "tracking_number", "filed_on"]
    readonly_fields = ["request_link", "agency", "status", "tracking_number", "filed_on"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return (
            super()
            .get_queryset(request)
            .select_related("recordsrequest__agency")
            .prefetch_related("recordsrequest__tracking_numbers")
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="request")
    def request_link(self, obj: Any) -> str:
        r = obj.recordsrequest
        return format_html('<a href="{}">{}</a>', r.get_admin_url(), r.title)

    @admin.display(description="agency")
    def agency(self, obj: Any) -> str:
        return str(obj.recordsrequest.agency)

    @admin.display(description="status")
    def status(self, obj: Any) -> str:
        return str(obj.recordsrequest.get_status_display())

    @admin.display(description="tracking number")
    def tracking_number(self, obj: Any) -> str:
        current = obj.recordsrequest.current_tracking_number()
        return current.number if current else "—"

    @admin.display(description="filed")
    def filed_on(self, obj: Any) -> Any:
        return obj.recordsrequest.filed_on


@admin.register(Lawsuit)
class LawsuitAdmin(SimpleHistoryAdmin):
    form = LawsuitForm
    list_display = ["caption", "court", "docket_number", "status", "filed_on", "requests_count"]
    list_filter = ["status", "court"]
    search_fields = ["caption", "docket_number", "court", "plaintiffs", "judge"]
    date_hierarchy = "filed_on"
    autocomplete_fields = ["defendant_agencies", "requests", "counsel"]
    inlines = [
        LawsuitDeadlineInline,
        CourtDeadlineInline,
        CourtScheduleInline,
        LawsuitRequestInline,
    ]
    fieldsets = [
        (None, {"fields": ["caption", "court", "docket_number", "judge", "status"]}),
        ("Parties", {"fields": ["plaintiffs", "defendant_agencies", "counsel"]}),
        ("Dates", {"fields": ["filed_on", "served_on"]}),
        ("Requests", {"fields": ["requests"]}),
        ("Result", {"fields": ["outcome", "notes"]}),
    ]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Lawsuit]:
        return super().get_queryset(request).annotate(_requests=Count("requests"))

    @admin.display(description="requests", ordering="_requests")
    def requests_count(self, obj: Lawsuit) -> int:
        return obj._requests  # type: ignore[attr-defined]

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        lawsuit: Lawsuit = form.instance
        if formset.model is Deadline:
            for deadline in formset.save(commit=False):
                deadlines.court_deadline_add(
                    lawsuit=lawsuit,
                    label=deadline.label,
                    due_on=deadline.due_on,
                    court_order=deadline.court_order,
                    responsible=deadline.responsible,
                )
        elif formset.model is CourtSchedule:
            for schedule in formset.save(commit=False):
                schedule.lawsuit = lawsuit
                created = deadlines.court_schedule_create(schedule=schedule)
                self.message_user(
                    request,
                    f"“{schedule.label}”: {len(created)} dated deadline(s) added.",
                    messages.SUCCESS,
                )
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request: HttpRequest, obj: Lawsuit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if "served_on" in form.changed_data and obj.served_on:
            # Service starts (or, corrected, recounts) the agency's answer deadline.
            services.lawsuit_record_service(
                lawsuit=obj, served_on=obj.served_on, by=_actor(request)
            )

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        lawsuit: Lawsuit = form.instance
        before = set(lawsuit.requests.values_list("pk", flat=True)) if change else set()
        chosen = list(form.cleaned_data.get("requests") or [])
        super().save_related(request, form, formsets, change)
        added = [r for r in chosen if r.pk not in before]
        # Re-add through the service so each newly covered request enters litigation and its
        # timeline says which suit covers it.
        if added:
            services.lawsuit_add_requests(lawsuit=lawsuit, requests=added, by=_actor(request))


# The reminder outbox and preferences have their own module; importing it registers them.
from . import reminder_admin  # noqa: E402, F401
