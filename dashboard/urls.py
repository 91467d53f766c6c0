"""URLs of the lawyers' dashboard, included under /dashboard/ (namespace "dashboard")."""

from django.urls import path

from dashboard import documents as documents_dashboard
from dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("lawsuits/", views.lawsuit_list, name="lawsuits"),
    path("lawsuits/<int:pk>/", views.lawsuit_detail, name="lawsuit"),
    path("requests/", views.request_list, name="requests"),
    path("requests/<int:pk>/", views.request_detail, name="request"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/<int:pk>/", views.agency_detail, name="agency"),
    path("calendar/", views.deadline_calendar, name="calendar"),
    path("documents/", documents_dashboard.document_search, name="documents"),
    path("documents/<int:pk>/", documents_dashboard.document_detail, name="document"),
]
