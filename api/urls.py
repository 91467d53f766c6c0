"""The API's routes under /api/v1/: every resource, the deadline calculator and the reports."""

from django.urls import path
from rest_framework.routers import DefaultRouter

from api import calculator, documents, reports, requests

router = DefaultRouter()
router.register("jurisdictions", requests.JurisdictionViewSet, basename="jurisdiction")
router.register("agencies", requests.AgencyViewSet, basename="agency")
router.register("requests", requests.RecordsRequestViewSet, basename="request")
router.register("appeals", requests.AppealViewSet, basename="appeal")
router.register("reminders", requests.ReminderViewSet, basename="reminder")
router.register("lawsuits", requests.LawsuitViewSet, basename="lawsuit")
router.register("deadlines", requests.DeadlineViewSet, basename="deadline")
router.register("releases", documents.ReleaseViewSet, basename="release")
router.register("documents", documents.DocumentViewSet, basename="document")

urlpatterns = [
    # Before the router's URLs, so no future "deadlines" resource can shadow the calculator, and
    # no document detail route can take "search" for a key.
    path(
        "deadlines/calculate/",
        calculator.DeadlineCalculateView.as_view(),
        name="deadline-calculate",
    ),
    path("deadlines/rules/", calculator.DeadlineRuleListView.as_view(), name="deadline-rules"),
    path("documents/search/", documents.DocumentSearchView.as_view(), name="document-search"),
    *[
        path(f"reports/{name}/", view.as_view(), name=f"report-{name}")
        for name, view in reports.REPORTS.items()
    ],
    *router.urls,
]
