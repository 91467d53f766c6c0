"""Reminder preferences, muting, and the personal calendar feed."""

from django.urls import path

from reminders import views

urlpatterns = [
    path(
        "reminders/preferences/",
        views.reminder_preferences,
        name="reminder-preferences",
    ),
    path("reminders/mute/<int:deadline_id>/", views.reminder_mute, name="reminder-mute"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar-feed"),
]
