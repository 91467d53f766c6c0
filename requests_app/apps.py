from django.apps import AppConfig
from django.db.models.signals import post_migrate


class RequestsAppConfig(AppConfig):
    name = "requests_app"
    verbose_name = "Records requests"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from requests_app.roles import roles_sync

        # After every app's migrate step, so each app's permissions are in place by the last one.
        post_migrate.connect(roles_sync, dispatch_uid="requests_app.roles_sync")
