"""Lawsuits in the admin: their requests, counsel, court deadlines and schedules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html

from requests_app import services
from requests_app.admin.action_pages import actor
from requests_app.admin.deadlines import (
    CourtDeadlineInline,
    CourtScheduleInline,
    LawsuitDeadlineInline,
    moves_message,
)
from requests_app.admin.history import HistoryAdmin
from requests_app.admin.people import limit_pickers
from requests_app.deadlines.court import (
    court_deadline_add,
    court_schedule_create,
)
from requests_app.models import (
    CourtSchedule,
    Deadline,
    Lawsuit,
)
from requests_app.workflow import (
    RequestStatus,
    can_transition,
)

User = get_user_model()


class LawsuitForm(forms.ModelForm):
    """The lawsuit page's form: newly covered requests must be able to enter litigation."""

    class Meta:
        model = Lawsuit
        fields = [
            "caption",
            "court",
            "district",
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

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_pickers(self, "counsel")

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
            .select_related("recordsrequest__agency", "lawsuit")
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
class LawsuitAdmin(HistoryAdmin):
    form = LawsuitForm
    list_display = [
        "caption",
        "court",
        "district",
        "docket_number",
        "status",
        "filed_on",
        "requests_count",
    ]
    list_filter = ["status", "district", "court"]
    search_fields = ["caption", "docket_number", "court", "plaintiffs", "judge"]
    date_hierarchy = "filed_on"
    # Counsel is a plain select of the people who work here (requests_app.admin.people).
    autocomplete_fields = ["defendant_agencies", "requests"]
    inlines = [
        LawsuitDeadlineInline,
        CourtDeadlineInline,
        CourtScheduleInline,
        LawsuitRequestInline,
    ]
    fieldsets = [
        (None, {"fields": ["caption", "court", "district", "docket_number", "judge", "status"]}),
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
                court_deadline_add(
                    lawsuit=lawsuit,
                    label=deadline.label,
                    due_on=deadline.due_on,
                    court_order=deadline.court_order,
                    responsible=deadline.responsible,
                )
        elif formset.model is CourtSchedule:
            for schedule in formset.save(commit=False):
                schedule.lawsuit = lawsuit
                created = court_schedule_create(schedule=schedule)
                self.message_user(
                    request,
                    f"“{schedule.label}”: {len(created)} dated deadline(s) added.",
                    messages.SUCCESS,
                )
        else:
            super().save_formset(request, form, formset, change)

    def save_model(self, request: HttpRequest, obj: Lawsuit, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "district" in form.changed_data:
            # Its state's holidays now roll a last day (FRCP 6(a)(6)(C)): recount what is open.
            moved = services.lawsuit_deadlines_recount(lawsuit=obj)
            self.message_user(request, moves_message(moved), messages.INFO)
        if "served_on" in form.changed_data and obj.served_on:
            # Service starts (or, corrected, recounts) the agency's answer deadline.
            services.lawsuit_record_service(lawsuit=obj, served_on=obj.served_on, by=actor(request))

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        lawsuit: Lawsuit = form.instance
        before = set(lawsuit.requests.values_list("pk", flat=True)) if change else set()
        chosen = list(form.cleaned_data.get("requests") or [])
        if "counsel" in form.changed_data:
            # Before the form's own save of the links, which then finds nothing to change: the
            # service adds counsel in order and hands open deadlines on to the new lead.
            services.lawsuit_counsel_set(lawsuit=lawsuit, counsel=form.cleaned_data["counsel"])
        super().save_related(request, form, formsets, change)
        added = [r for r in chosen if r.pk not in before]
        # Re-add through the service so each newly covered request enters litigation and its
        # timeline says which suit covers it.
        if added:
            services.lawsuit_add_requests(lawsuit=lawsuit, requests=added, by=actor(request))


# The reminder outbox and preferences have their own module; importing it registers them.
