"""The "History" page of every record whose changes are kept (django-simple-history), in words.

simple_history lists each change as "field: old → new" with the stored values; a field with
choices stored its code ("appeal_decided → in_litigation"). Each change here names the choice's
label instead ("Appeal decided → In litigation"), as the change form does.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper


class ChoiceLabelsHistory(HistoricalRecordContextHelper):
    def prepare_delta_change_value(self, change: ModelChange, value: Any) -> Any:
        field = self.model._meta.get_field(change.field)
        choices = getattr(field, "flatchoices", None)
        if choices and not isinstance(value, list):
            return dict(choices).get(value, value)
        return super().prepare_delta_change_value(change, value)


class HistoryAdmin(SimpleHistoryAdmin):
    """A model admin with a History page that names choices by their labels."""

    def get_historical_record_context_helper(
        self, request: HttpRequest, historical_record: Any
    ) -> HistoricalRecordContextHelper:
        return ChoiceLabelsHistory(self.model, historical_record)
