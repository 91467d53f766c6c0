"""The "History" page of every record whose changes are kept (django-simple-history), in words.

simple_history lists each change as "field: old → new" with the stored values; a field with
choices stored its code ("appeal_decided → in_litigation"). Each change here names the choice's
label instead ("Appeal decided → In litigation"), as the change form does, and an empty value
reads "—", not "None".

A row reads "Changed" with the fields it changed: a save that changed nothing kept is left out,
and the oldest row of a page is compared with the record before it, on the next page.

History is read-only. simple_history's "Revert" saved an old version through the record's form,
past the workflow (an appealed request back to submitted), the timeline and the deadlines, which
only the record's own page and the services keep: a past version is shown, never restored, and a
POST to it is refused with nothing saved (``SIMPLE_HISTORY_REVERT_DISABLED`` only hides the
button).
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

EMPTY = "—"

#: What a POST to a past version answers (405): why nothing was restored, and where to change.
READ_ONLY = (
    "History is read-only: a past version cannot be restored. Change the record on its own page, "
    "where the workflow checks every move and the timeline and deadlines follow it."
)


class ChoiceLabelsHistory(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        if value is None or value == "":
            return EMPTY
        field = self.model._meta.get_field(change.field)
        choices = getattr(field, "flatchoices", None)
        if choices and not isinstance(value, list):
            return dict(choices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """A model admin with a read-only History page that names choices by their labels."""

    # "—" for what is empty, and the count of the rows shown.
    object_history_list_template = "admin/history/object_history_list.html"

    def revert_disabled(self, request: HttpRequest, obj: Any = None) -> bool:
        return True

    def history_form_view(
        self,
        request: HttpRequest,
        object_id: str,
        version_id: str,
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        """A past version, shown read-only; any other method than reading it is refused before
        simple_history's view could save its form."""
        if request.method not in ("GET", "HEAD"):
            return HttpResponseNotAllowed(
                ["GET", "HEAD"], content=READ_ONLY, content_type="text/plain; charset=utf-8"
            )
        request._viewing_history = True  # type: ignore[attr-defined]
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change, **kwargs)
        if not getattr(request, "_viewing_history", False):
            return form

        class PastVersionForm(form):  # type: ignore[misc, valid-type]
            """A past version is read, not edited: every input shown disabled."""

            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, **kwargs)
                for field in self.fields.values():
                    field.disabled = True

        return PastVersionForm

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return ChoiceLabelsHistory(self.model, historical_record)

    def set_history_delta_changes(
        self,
        request: HttpRequest,
        historical_records: Any,
        foreign_keys_are_objs: bool = True,
    ) -> None:
        super().set_history_delta_changes(request, historical_records, foreign_keys_are_objs)
        records = list(historical_records)
        # Newest first: the last row of the page has its previous record on the next page.
        last = records[-1] if records else None
        if last is not None and last.history_type == "~":
            older = last.prev_record
            if older is not None:
                delta = last.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                helper = self.get_historical_record_context_helper(request, last)
                last.history_delta_changes = helper.context_for_delta_changes(delta)
        if isinstance(historical_records, Page):
            historical_records.object_list = [
                r
                for r in records
                if r.history_type != "~" or getattr(r, "history_delta_changes", None)
            ]
