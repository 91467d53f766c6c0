"""Reminder preferences, muting, and the personal calendar feed."""

from django.urls import path

from . import reminder_views

urlpatterns = [
    path(
        "reminders/preferences/",
        reminder_views.reminder_preferences,
        name="reminder-preferences",
    ),
    path("reminders/mute/<int:deadline_id>/", reminder_views.reminder_mute, name="reminder-mute"),
    path("calendar/<str:token>.ics", reminder_views.calendar_feed, name="calendar-feed"),
]
