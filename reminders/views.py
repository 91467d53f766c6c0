"""The person-facing side of reminders: preferences, muting one deadline, the calendar feed."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from core import roles
from reminders.calendar_feed import (
    calendar_feed_ics,
    calendar_feed_issue,
    calendar_feed_revoke,
    calendar_feed_url,
    feed_owner,
    preference_for,
)
from reminders.models import ReminderPreference
from requests_app.models import Deadline


class PreferenceForm(forms.ModelForm):
    class Meta:
        model = ReminderPreference
        fields = ["delivery", "feed_all_lawsuits"]
        widgets = {"delivery": forms.RadioSelect}


def _page(request: HttpRequest, template: str, context: dict) -> HttpResponse:
    # These pages wear the admin's look (header, breadcrumbs, account links).
    return render(request, template, {**admin.site.each_context(request), **context})


def _require_role(request: HttpRequest) -> None:
    if not roles.user_has_role(request.user, *roles.ROLES):
        raise Http404  # someone with no role has no deadlines and no business here


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reminder_preferences(request: HttpRequest) -> HttpResponse:
    _require_role(request)
    preference = preference_for(request.user)
    form = PreferenceForm(instance=preference)
    if request.method == "POST":
        action = request.POST.get("action", "save")
        if action == "save":
            form = PreferenceForm(request.POST, instance=preference)
            if form.is_valid():
                form.save()
                messages.success(request, "Your reminder preferences are saved.")
                return redirect("reminder-preferences")
        elif action == "feed-create":
            calendar_feed_issue(user=request.user)
            messages.success(
                request, "Your calendar link is ready. Any earlier link has stopped working."
            )
            return redirect("reminder-preferences")
        elif action == "feed-revoke":
            calendar_feed_revoke(user=request.user)
            messages.success(request, "Your calendar link is revoked; it now shows nothing.")
            return redirect("reminder-preferences")
        elif action == "unmute":
            try:
                deadline_id = int(request.POST.get("deadline", ""))
            except ValueError:
                messages.error(request, "That deadline could not be found.")
                return redirect("reminder-preferences")
            preference.muted_deadlines.remove(deadline_id)
            messages.success(request, "Reminders about that deadline are back on.")
            return redirect("reminder-preferences")
        else:
            messages.error(request, f"Unknown action {action!r}.")
    muted = preference.muted_deadlines.select_related("request", "appeal", "lawsuit").order_by(
        "due_on", "pk"
    )
    return _page(
        request,
        "reminders/preferences.html",
        {
            "title": "Reminder preferences",
            "form": form,
            "muted": muted,
            "feed_url": calendar_feed_url(user=request.user),
            "is_lawyer": roles.user_has_role(request.user, roles.LAWYER),
        },
    )


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reminder_mute(request: HttpRequest, deadline_id: int) -> HttpResponse:
    """Stop reminders about one deadline (asks first: a link in an email must not act alone)."""
    _require_role(request)
    deadline = get_object_or_404(Deadline, pk=deadline_id)
    if request.method == "POST":
        preference_for(request.user).muted_deadlines.add(deadline)
        messages.success(request, f"No more reminders about “{deadline}”.")
        return redirect("reminder-preferences")
    return _page(
        request,
        "reminders/mute.html",
        {
            "title": "Stop reminders about this deadline?",
            "deadline": deadline,
            "back": reverse("reminder-preferences"),
        },
    )


@require_GET
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The personal feed. A wrong or revoked token is an ordinary 404: it reveals nothing."""
    preference = feed_owner(token)
    if preference is None:
        raise Http404
    response = HttpResponse(
        calendar_feed_ics(preference=preference), content_type="text/calendar; charset=utf-8"
    )
    response["Content-Disposition"] = 'inline; filename="foiatracker-deadlines.ics"'
    response["Cache-Control"] = "private, max-age=300"
    return response
