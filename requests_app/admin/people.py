"""Who may be picked as a request's owner or staff, or a suit's counsel.

The admin's autocomplete would need permission to view users, which the roles do not hold (and
should not: it would open every account's page). A plain select of the people who work here —
active users holding a role, or superusers — is all a picker needs; a person already chosen stays
selectable, so an old record saves unchanged after its owner left.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet

from core.roles import LAWYER, STAFF

User = get_user_model()


def people_to_pick(keep: Iterable[Any] = ()) -> QuerySet[Any]:
    """Active staff, lawyers and superusers, by username, with ``keep`` (already chosen)."""
    working = Q(is_active=True) & (Q(groups__name__in=[STAFF, LAWYER]) | Q(is_superuser=True))
    kept = [getattr(person, "pk", person) for person in keep if person is not None]
    chosen = working | Q(pk__in=kept) if kept else working
    return User.objects.filter(pk__in=User.objects.filter(chosen).values("pk")).order_by("username")


def limit_pickers(form: forms.ModelForm, *names: str) -> None:
    """Narrow the form's person fields to `people_to_pick`, keeping the instance's choices."""
    instance = form.instance
    for name in names:
        field = form.fields.get(name)
        if field is None:
            continue
        keep: list[Any] = []
        if instance.pk is not None:
            value = getattr(instance, name)
            keep = list(value.all()) if hasattr(value, "all") else [value]
        field.queryset = people_to_pick(keep)  # type: ignore[attr-defined]
