"""URL configuration: the admin, reminder preferences and calendar feeds, the API under /api/v1/,
its schema and docs, and /healthz."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from requests_app.admin_calculator import deadline_calculator_view
from requests_app.views import healthz

admin.site.site_header = "foiatracker"
admin.site.site_title = "foiatracker"
admin.site.index_title = "Records requests, appeals and lawsuits"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Before admin.site.urls, whose catch-all would otherwise answer this path with a 404.
    path(
        "admin/deadline-calculator/",
        admin.site.admin_view(deadline_calculator_view),
        name="admin-deadline-calculator",
    ),
    path("admin/", admin.site.urls),
    path("", include("requests_app.reminder_urls")),
    path("api/v1/", include("requests_app.api_urls")),
    path("api/v1/", include("documents.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
