from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Releases (productions) and their documents; models arrive with the releases issue."""

    name = "documents"
    verbose_name = "Releases and documents"
    default_auto_field = "django.db.models.BigAutoField"
