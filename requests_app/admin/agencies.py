"""Topics, jurisdictions and agencies (with their components) in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from requests_app import services
from requests_app.admin.action_pages import actor
from requests_app.admin.deadlines import moves_message
from requests_app.admin.history import HistoryAdmin
from requests_app.deadlines.calendars import JURISDICTIONS
from requests_app.models import (
    Agency,
    Jurisdiction,
    Topic,
)
from requests_app.models.agencies import jurisdiction_observances

User = get_user_model()


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


def _observance_choices() -> list[tuple[str, Any]]:
    """The statute's default, then each jurisdiction's observances in a group of its own (the
    model checks the one chosen belongs to the agency's jurisdiction)."""
    groups: list[tuple[str, Any]] = [("", "The statute's default")]
    for code in JURISDICTIONS:
        choices = jurisdiction_observances(code)
        if choices:
            groups.append((code, list(choices.items())))
    return groups


class AgencyForm(forms.ModelForm):
    observance = forms.ChoiceField(
        label="Days observed",
        choices=_observance_choices,
        required=False,
        help_text=Agency._meta.get_field("observance").help_text,
    )

    class Meta:
        model = Agency
        fields = [
            "name",
            "abbreviation",
            "parent",
            "jurisdiction",
            "observance",
            "foia_email",
            "request_url",
            "mailing_address",
            "phone",
            "website",
            "notes",
        ]


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
    form = AgencyForm
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
        (None, {"fields": ["name", "abbreviation", "parent", "jurisdiction", "observance"]}),
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

    def save_model(self, request: HttpRequest, obj: Agency, form: Any, change: bool) -> None:
        if not (change and "observance" in form.changed_data):
            super().save_model(request, obj, form, change)
            return
        # The other fields are saved here; the observance through its service, which locks the
        # agency, saves it and recounts its requests' deadlines on the reading it now observes.
        observance = obj.observance
        obj.observance = form.initial.get("observance", "")
        super().save_model(request, obj, form, change)
        moved = services.agency_set_observance(agency=obj, observance=observance, by=actor(request))
        self.message_user(request, moves_message(moved), messages.INFO)
