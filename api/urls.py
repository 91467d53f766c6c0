"""The API's routes under /api/v1/: every resource, the deadline calculator and the reports."""

from typing import Any

from django.urls import path
from rest_framework.routers import APIRootView, DefaultRouter

from api import calculator, documents, reports, requests

#: The root's entries beyond the router's resources: the name a client sees → the URL name.
OTHER_ENDPOINTS = {
    "deadlines/calculate": "deadline-calculate",
    "deadlines/rules": "deadline-rules",
    "documents/search": "document-search",
    "reports": "report-index",
    **{f"reports/{name}": f"report-{name}" for name in reports.REPORTS},
}


class ApiRootView(APIRootView):
    """Records requests, appeals, lawsuits and their deadlines, releases and documents, and the
    reports over them. Each link below is an endpoint: lists are paged (page, page_size), ordered
    (ordering), searched (search) and filtered by their own parameters, and answer CSV with
    ?format=csv. Every error has one JSON shape. The schema is at /api/schema/, the interactive
    docs at /api/docs/."""

    # The browsable API titles the page with this, and shows the docstring above beneath it
    # (DRF's own root says "The default basic root view for DefaultRouter").
    name = "foiatracker API"


class ApiRouter(DefaultRouter):
    """DRF's router, whose root (/api/v1/) links every endpoint a client can call, absolute:
    the resources, and the calculator, the rules, document search and the reports beside them."""

    APIRootView = ApiRootView

    def get_api_root_view(self, api_urls: Any = None) -> Any:
        list_name = self.routes[0].name
        root = {
            prefix: list_name.format(basename=basename) for prefix, _, basename in self.registry
        }
        return self.APIRootView.as_view(api_root_dict={**root, **OTHER_ENDPOINTS})


router = ApiRouter()
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
    path("reports/", reports.ReportIndexView.as_view(), name="report-index"),
    *[
        path(f"reports/{name}/", view.as_view(), name=f"report-{name}")
        for name, view in reports.REPORTS.items()
    ],
    *router.urls,
]
