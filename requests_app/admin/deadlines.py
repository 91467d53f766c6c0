"""Deadlines, closure days and court schedules in the admin: every date with its explanation,
and what a calendar change moved.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_permission_codename, get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.html import format_html

from core.today import organisation_today
from requests_app.admin.action_pages import action_page
from requests_app.admin.filters import RelationFilter
from requests_app.admin.history import HistoryAdmin
from requests_app.deadlines import hooks
from requests_app.deadlines.calendars import WorkingCalendar
from requests_app.deadlines.closures import (
    Move,
    closure_day_add,
    closure_day_change,
    closure_day_remove,
)
from requests_app.deadlines.court import (
    court_schedule_cut_off,
)
from requests_app.deadlines.rules import COURT_RULE_NAMES, rule_name
from requests_app.deadlines.selectors import (
    deadline_state,
    deadlines_due_within,
    deadlines_overdue,
    explanation_text,
    working_calendar,
)
from requests_app.models import (
    ClosureDay,
    CourtSchedule,
    Deadline,
)

User = get_user_model()


class DeadlineInline(admin.TabularInline):
    """A record's deadlines in date order, each with its state and how its date was worked out."""

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
            .order_by("due_on", "pk")
        )

    @admin.display(description="state")
    def state(self, obj: Deadline) -> str:
        return deadline_state(obj).words

    @admin.display(description="explanation")
    def explanation(self, obj: Deadline) -> str:
        return explanation_text(obj, self._calendar(obj))

    def _calendar(self, obj: Deadline) -> WorkingCalendar | None:
        # One closure-day query per jurisdiction and page, not one per deadline.
        if obj.jurisdiction is None:
            return None
        cache: dict[str, WorkingCalendar] = self.__dict__.setdefault("_calendar_cache", {})
        code = obj.jurisdiction.code
        if code not in cache:
            cache[code] = working_calendar(code)
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
        today = organisation_today()
        value = self.value()
        if value == "overdue":
            return deadlines_overdue(today)
        if value in {str(n) for n in self.WINDOWS}:
            return deadlines_due_within(today, int(value))
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


class RuleFilter(admin.SimpleListFilter):
    """The rules the listed deadlines were counted by, named as people name them (the rule's label
    and jurisdiction), not by their codes: a code such as "response" is several jurisdictions'
    rules. A court's dates are one choice each whatever calendar rolled them."""

    title = "rule"
    parameter_name = "rule"

    @staticmethod
    def _value(jurisdiction: str | None, code: str) -> str:
        if code in COURT_RULE_NAMES or not jurisdiction:
            return code
        return f"{jurisdiction}:{code}"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        in_use = (
            Deadline.objects.exclude(rule="")
            .order_by()
            .values_list("jurisdiction__code", "rule")
            .distinct()
        )
        choices = {self._value(j, code): rule_name(j, code) for j, code in in_use}
        return sorted(choices.items(), key=lambda choice: choice[1])

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        if not self.value():
            return queryset
        jurisdiction, _, code = str(self.value()).rpartition(":")
        chosen = queryset.filter(rule=code)
        return chosen.filter(jurisdiction__code=jurisdiction) if jurisdiction else chosen


class MarkMetForm(forms.Form):
    met_on = forms.DateField(
        label="Met on",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the obligation was fulfilled; after the due date it counts as missed.",
    )


@admin.register(Deadline)
class DeadlineAdmin(admin.ModelAdmin):
    list_display = ["label", "record", "due_on", "state", "responsible", "source"]
    list_filter = [DueFilter, "status", "source", ("jurisdiction", RelationFilter), RuleFilter]
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
        return deadline_state(obj).words

    @admin.display(description="how the date was worked out")
    def explanation(self, obj: Deadline) -> str:
        return explanation_text(obj)

    @admin.action(
        description="Mark the selected deadlines met (with a date)", permissions=["change"]
    )
    def mark_met(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> HttpResponse | None:
        form = MarkMetForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            self._mark(request, queryset, Deadline.Status.MET, form.cleaned_data["met_on"])
            return None
        return action_page(self, request, queryset, form, "mark_met", "Mark deadlines met")

    @admin.action(description="Waive the selected deadlines", permissions=["change"])
    def mark_waived(self, request: HttpRequest, queryset: QuerySet[Deadline]) -> None:
        self._mark(request, queryset, Deadline.Status.WAIVED, None)

    def _mark(
        self, request: HttpRequest, queryset: QuerySet[Deadline], status: str, on: Any
    ) -> None:
        done = 0
        for deadline in queryset:
            try:
                hooks.deadline_mark(
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

    meta = record._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[record.pk])


def moves_message(moves: list[Move]) -> str:
    if not moves:
        return "No open deadline moved."
    shown = "; ".join(str(m) for m in moves[:10])
    more = f"; and {len(moves) - 10} more" if len(moves) > 10 else ""
    return f"{len(moves)} open deadline(s) moved: {shown}{more}."


@admin.register(ClosureDay)
class ClosureDayAdmin(HistoryAdmin):
    """Closure days are skipped like holidays; adding or removing one recounts open deadlines."""

    list_display = ["date", "jurisdiction", "reason"]
    list_filter = ["jurisdiction"]
    search_fields = ["reason"]
    date_hierarchy = "date"

    def save_model(self, request: HttpRequest, obj: ClosureDay, form: Any, change: bool) -> None:
        if change:
            closure, moves = closure_day_change(
                closure=obj, jurisdiction=obj.jurisdiction, date=obj.date, reason=obj.reason
            )
        else:
            closure, moves = closure_day_add(
                jurisdiction=obj.jurisdiction, date=obj.date, reason=obj.reason
            )
        obj.pk = closure.pk
        self.message_user(request, moves_message(moves), messages.INFO)

    def delete_model(self, request: HttpRequest, obj: ClosureDay) -> None:
        self.message_user(request, moves_message(closure_day_remove(closure=obj)))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[ClosureDay]) -> None:
        moves: list[Move] = []
        for closure in queryset:
            moves += closure_day_remove(closure=closure)
        self.message_user(request, moves_message(moves))


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
class CourtScheduleAdmin(HistoryAdmin):
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

    def has_cut_off_permission(self, request: HttpRequest) -> bool:
        # The form is closed (a schedule changes only by a new order), but cutting it off is
        # that change: it takes the permission to change schedules that lawyers hold.
        opts = self.opts
        return request.user.has_perm(f"{opts.app_label}.{get_permission_codename('change', opts)}")

    @admin.action(
        description="Cut off the selected schedules (a new order ends them)",
        permissions=["cut_off"],
    )
    def cut_off(
        self, request: HttpRequest, queryset: QuerySet[CourtSchedule]
    ) -> HttpResponse | None:
        form = CutOffForm(request.POST if "apply" in request.POST else None)
        if form.is_valid():
            total = 0
            for schedule in queryset:
                total += court_schedule_cut_off(
                    schedule=schedule,
                    after=form.cleaned_data["after"],
                    order_reference=form.cleaned_data["order_reference"],
                )
            self.message_user(request, f"Superseded {total} open deadline(s).", messages.SUCCESS)
            return None
        return action_page(self, request, queryset, form, "cut_off", "Cut off schedules")
