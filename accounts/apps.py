"""Accounts: each person's API tokens (hashed at rest), their page and their admin."""

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "API tokens"
    default_auto_field = "django.db.models.BigAutoField"
    # No role grants: people manage their own tokens on their page (/accounts/tokens/), never in
    # the admin; there only the operator (a superuser) sees and revokes everyone's, since whoever
    # may issue a token for another user may act as that user.
