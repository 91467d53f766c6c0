"""The demo case and the benchmark data generator; nothing imports this app."""

from django.apps import AppConfig


class SampleDataConfig(AppConfig):
    name = "sample_data"
    verbose_name = "Sample data"
    default_auto_field = "django.db.models.BigAutoField"
