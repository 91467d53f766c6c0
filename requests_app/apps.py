"""The domain core: agencies, requests, appeals, lawsuits, deadlines and their workflow."""

from django.apps import AppConfig


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Records requests"
    default_auto_field = "django.db.models.BigAutoField"
