"""URL configuration: the admin, the lawyers' dashboard, each person's API tokens, reminder
preferences and calendar feeds, the API under /api/v1/, its schema and docs, and /healthz."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.templatetags.static import static
from django.urls import include, path, re_path
from django.utils.functional import lazy
from django.views import defaults
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from api import errors as api_errors
from core.health import healthz
from requests_app.admin.calculator import deadline_calculator_view

admin.site.site_header = "foiatracker"
admin.site.site_title = "foiatracker"
admin.site.index_title = "Records requests, appeals and lawsuits"

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    # Browsers ask every site for /favicon.ico when a page names no icon (the API's pages, its
    # docs): the site's icon instead of a 404 in the log. Lazy: the collected file's name is
    # known from the static files' manifest, read when first asked.
    path(
        "favicon.ico",
        RedirectView.as_view(url=lazy(static, str)("core/favicon.svg"), permanent=True),
        name="favicon",
    ),
    # Before admin.site.urls, whose catch-all would otherwise answer this path with a 404.
    path(
        "admin/deadline-calculator/",
        admin.site.admin_view(deadline_calculator_view),
        {"api_url_name": "deadline-calculate"},
        name="admin-deadline-calculator",
    ),
    path("admin/", admin.site.urls),
    # The lawyers' dashboard (read-only), its login, and / leading to it.
    path("", RedirectView.as_view(pattern_name="dashboard:home"), name="root"),
    path("dashboard/", include("dashboard.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            template_name="dashboard/login.html", next_page="dashboard:home"
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    # Every person's own API tokens (reporting clients' too, who have no dashboard).
    path("accounts/", include("accounts.urls")),
    path("", include("reminders.urls")),
    path("api/v1/", include("api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    # Last: whatever under /api/ no route above took is the API's JSON 404, with DEBUG on too
    # (Django answers DEBUG's HTML page without asking handler404).
    re_path(r"^api/", api_errors.unmatched_path, name="api-not-found"),
]


# Paths under /api/ are answered in the API's JSON error shape, every other path with Django's
# pages: a client of the API parses every answer it gets, a person reads the page.
def handler404(request: HttpRequest, exception: Exception) -> HttpResponse:
    if api_errors.is_api_path(request):
        return api_errors.not_found(request, exception)
    return defaults.page_not_found(request, exception)


def handler500(request: HttpRequest) -> HttpResponse:
    if api_errors.is_api_path(request):
        return api_errors.server_error(request)
    return defaults.server_error(request)
