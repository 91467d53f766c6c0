"""List filters shared by the admin's pages."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.utils.html import format_html


class RelationFilter(admin.RelatedFieldListFilter):
    """A filter by a relation whose choice for "none at all" is named in words ("No lawsuit",
    "No topics", "No jurisdiction") instead of Django's bare "-"."""

    def __init__(self, field: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(field, *args, **kwargs)
        self.empty_value_display = format_html("No {}", self.lookup_title)
