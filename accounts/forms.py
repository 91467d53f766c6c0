"""The forms that issue a token: a person's own (name, last day) and the operator's (for a user)."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib.auth import get_user_model

from accounts.models import ApiToken


class ApiTokenForm(forms.Form):
    """Input only; whether the name is free and the day has not passed is the service's to say
    (``api_token_create``), so the page, the admin and the command refuse the same things."""

    name = forms.CharField(
        max_length=ApiToken._meta.get_field("name").max_length,
        help_text="What will use it, e.g. “Quarterly report spreadsheet”.",
        error_messages={"required": "Give the token a name: what will use it?"},
    )
    last_day = forms.DateField(
        label="Last day it works (optional)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=(
            f"It stops working at midnight at the end of this day ({settings.TIME_ZONE}). "
            "Leave empty for a token that does not expire."
        ),
        error_messages={"invalid": "Enter the day as YYYY-MM-DD, e.g. 2026-12-31."},
    )


class IssueForUserForm(ApiTokenForm):
    """The operator's: a token for someone else (a service account, a client's script)."""

    user = forms.ModelChoiceField(
        queryset=get_user_model().objects.filter(is_active=True),
        to_field_name=get_user_model().USERNAME_FIELD,
        widget=forms.TextInput,
        label="Username",
        help_text="The person (or service account) the token acts as, with their roles.",
        error_messages={"invalid_choice": "No active user has this username."},
    )
    field_order = ["user", "name", "last_day"]
