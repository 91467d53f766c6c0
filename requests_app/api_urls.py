from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api, api_calculator, api_reports

router = DefaultRouter()
router.register("jurisdictions", api.JurisdictionViewSet, basename="jurisdiction")
router.register("agencies", api.AgencyViewSet, basename="agency")
router.register("requests", api.RecordsRequestViewSet, basename="request")
router.register("appeals", api.AppealViewSet, basename="appeal")
router.register("reminders", api.ReminderViewSet, basename="reminder")
router.register("lawsuits", api.LawsuitViewSet, basename="lawsuit")
router.register("deadlines", api.DeadlineViewSet, basename="deadline")

urlpatterns = [
    # Before the router's URLs, so no future "deadlines" resource can shadow the calculator.
    path(
        "deadlines/calculate/",
        api_calculator.DeadlineCalculateView.as_view(),
        name="deadline-calculate",
    ),
    path("deadlines/rules/", api_calculator.DeadlineRuleListView.as_view(), name="deadline-rules"),
    *[
        path(f"reports/{name}/", view.as_view(), name=f"report-{name}")
        for name, view in api_reports.REPORTS.items()
    ],
    *router.urls,
]
