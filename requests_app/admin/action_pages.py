"""The confirmation page an admin action shows, and who is acting."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin import helpers
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def action_page(
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


def actor(request: HttpRequest) -> Any:
    """The logged-in staff member, for the timeline and the history (admin views need a login)."""
    return request.user
