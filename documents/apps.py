from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """Releases (productions), their documents, ingestion, search and fixity."""

    name = "documents"
    verbose_name = "Releases and documents"
    default_auto_field = "django.db.models.BigAutoField"
