"""Topics, jurisdictions and agencies (with their components) in the admin."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.db.models import Count, QuerySet
from django.http import HttpRequest

from requests_app.admin.history import HistoryAdmin
from requests_app.models import (
    Agency,
    Jurisdiction,
    Topic,
)

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


@admin.register(Agency)
class AgencyAdmin(HistoryAdmin):
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
