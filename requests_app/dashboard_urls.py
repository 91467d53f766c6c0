"""URLs of the lawyers' dashboard, included under /dashboard/ (namespace "dashboard")."""

from django.urls import path

from documents import dashboard as documents_dashboard

from . import dashboard

app_name = "dashboard"

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("lawsuits/", dashboard.lawsuit_list, name="lawsuits"),
    path("lawsuits/<int:pk>/", dashboard.lawsuit_detail, name="lawsuit"),
    path("requests/<int:pk>/", dashboard.request_detail, name="request"),
    path("agencies/", dashboard.agency_list, name="agencies"),
    path("agencies/<int:pk>/", dashboard.agency_detail, name="agency"),
    path("calendar/", dashboard.deadline_calendar, name="calendar"),
    path("documents/", documents_dashboard.document_search, name="documents"),
    path("documents/<int:pk>/", documents_dashboard.document_detail, name="document"),
]
