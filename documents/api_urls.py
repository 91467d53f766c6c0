from django.urls import path
from rest_framework.routers import DefaultRouter

from . import api

router = DefaultRouter()
router.register("releases", api.ReleaseViewSet, basename="release")
router.register("documents", api.DocumentViewSet, basename="document")

urlpatterns = [
    path("documents/search/", api.DocumentSearchView.as_view(), name="document-search"),
    *router.urls,
]
