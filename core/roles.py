"""The three roles and what each may do, in one place.

Roles are Django groups, so an operator can see them in the admin; `roles_sync` (run after every
`migrate`) puts back the permissions written here. A superuser holds every role.

- **staff** — advocacy staff: log requests, letters, tracking numbers, appeals, fees, releases and
  closure days in the admin; read everything else.
- **lawyer** — read everything; manage lawsuits, appeals, court-ordered deadlines and court
  schedules.
- **reporting** — read everything through the API; no admin login, no dashboard.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import Group, Permission

STAFF = "staff"
LAWYER = "lawyer"
REPORTING = "reporting"
ROLES = (STAFF, LAWYER, REPORTING)

VIEW = ("view",)
EDIT = ("add", "change", "view")
FULL = ("add", "change", "delete", "view")

# Every model anyone may read; each role starts from these view permissions.
READABLE: dict[str, tuple[str, ...]] = {
    "requests_app": (
        "jurisdiction",
        "agency",
        "topic",
        "recordsrequest",
        "trackingnumber",
        "requestevent",
        "appeal",
        "lawsuit",
        "closureday",
        "courtschedule",
        "deadline",
    ),
    "documents": ("release", "document", "exemption", "fixitycheck"),
}

# What each role may do beyond reading: {app_label: {model: actions}}.
GRANTS: dict[str, dict[str, dict[str, tuple[str, ...]]]] = {
    STAFF: {
        "requests_app": {
            "agency": EDIT,
            "topic": FULL,
            "recordsrequest": EDIT,
            "trackingnumber": EDIT,
            "requestevent": ("add", "view"),  # the timeline is added to, never rewritten
            "appeal": EDIT,
            "closureday": FULL,
        },
        "documents": {"release": FULL, "document": EDIT},
        "reminders": {"reminder": ("change", "view")},  # change = retry a failed reminder
    },
    LAWYER: {
        "requests_app": {
            "lawsuit": EDIT,
            "appeal": EDIT,
            "deadline": EDIT,
            "courtschedule": FULL,
        },
        "reminders": {"reminder": ("change", "view")},
    },
    REPORTING: {},
}


def role_permissions(role: str) -> set[tuple[str, str]]:
    """(app_label, codename) pairs the role holds."""
    wanted = {(app, f"view_{model}") for app, models in READABLE.items() for model in models}
    for app, models in GRANTS[role].items():
        for model, actions in models.items():
            wanted |= {(app, f"{action}_{model}") for action in actions}
    return wanted


def roles_sync(**_: Any) -> None:
    """Create the role groups and give each exactly the permissions above (idempotent).

    Connected to post_migrate; permissions that do not exist yet (their app not migrated) are
    picked up by a later call in the same migrate.
    """
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        wanted = role_permissions(role)
        permissions = [
            permission
            for permission in Permission.objects.filter(
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
