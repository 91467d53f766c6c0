"""The three roles and what each may do, in one place.

Roles are Django groups, so an operator can see them in the admin; `roles_sync` (run after every
`migrate`) puts back the permissions the apps declare. Each app declares them for its own models
on its AppConfig (``role_readable``, ``role_grants``), with the names below. A superuser holds
every role.

- **staff** — advocacy staff: log requests, letters, tracking numbers, appeals, fees, releases and
  closure days in the admin; read everything else.
- **lawyer** — read everything; manage lawsuits, appeals, court-ordered deadlines and court
  schedules.
- **reporting** — read everything through the API; no admin login, no dashboard.
"""

from __future__ import annotations

from typing import Any

from django.apps import apps as django_apps

STAFF = "staff"
LAWYER = "lawyer"
REPORTING = "reporting"
ROLES = (STAFF, LAWYER, REPORTING)

VIEW = ("view",)
EDIT = ("add", "change", "view")
FULL = ("add", "change", "delete", "view")

Actions = tuple[str, ...]
Readable = dict[str, Actions]  # {app_label: models everyone may read}
Grants = dict[str, dict[str, dict[str, Actions]]]  # {role: {app_label: {model: actions}}}


def declared() -> tuple[Readable, Grants]:
    """What the apps declare, collected: ``({app_label: readable models}, {role: {app_label:
    {model: actions}}})``. Each app states, on its AppConfig, which of its models everyone may
    read (``role_readable``) and what each role may do beyond reading (``role_grants``), so this
    lowest layer names no other app."""
    readable: Readable = {}
    grants: Grants = {role: {} for role in ROLES}
    for config in django_apps.get_app_configs():
        models = tuple(getattr(config, "role_readable", ()))
        if models:
            readable[config.label] = models
        for role, by_model in getattr(config, "role_grants", {}).items():
            grants[role][config.label] = dict(by_model)
    return readable, grants


def role_permissions(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role holds."""
    readable, grants = declared()
    wanted = {(app, f"view_{model}") for app, models in readable.items() for model in models}
    for app, models in grants[role].items():
        for model, actions in models.items():
            wanted |= {(app, f"{action}_{model}") for action in actions}
    return wanted


def roles_sync(**_: Any) -> None:
    """Create the role groups and give each exactly the permissions the apps declare (idempotent).

    Connected to post_migrate; permissions that do not exist yet (their app not migrated) are
    picked up by a later call in the same migrate.
    """
    # Through the registry, not an import: the apps' configurations import this module's names
    # before auth's models are loaded.
    group_model = django_apps.get_model("auth", "Group")
    permission_model = django_apps.get_model("auth", "Permission")
    for role in ROLES:
        group, _created = group_model.objects.get_or_create(name=role)
        wanted = role_permissions(role)
        permissions = [
            permission
            for permission in permission_model.objects.filter(
                content_type__app_label__in={app for app, _codename in wanted}
            ).select_related("content_type")
            if (permission.content_type.app_label, permission.codename) in wanted
        ]
        group.permissions.set(permissions)


def user_has_role(user: Any, *roles: str) -> bool:
    """True if the user is active and holds any of the roles (a superuser holds them all)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()
