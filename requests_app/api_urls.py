from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("jurisdictions", api.JurisdictionViewSet, basename="jurisdiction")
router.register("agencies", api.AgencyViewSet, basename="agency")
router.register("requests", api.RecordsRequestViewSet, basename="request")
router.register("appeals", api.AppealViewSet, basename="appeal")
router.register("lawsuits", api.LawsuitViewSet, basename="lawsuit")

urlpatterns = router.urls
