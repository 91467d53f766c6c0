"""Health check, roles, absolute URLs and the organisation's "today"; no models."""

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Not at module level: roles reads auth's models, which are not loaded when apps.py is.
        from core.roles import roles_sync  # noqa: PLC0415

        # After every app's migrate step, so each app's permissions are in place by the last one.
        post_migrate.connect(roles_sync, dispatch_uid="core.roles_sync")
