"""The role groups exist after migrate, hold exactly the written matrix, and survive edits."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client
from django.urls import reverse

from core import roles
from tests.factories import UserFactory


def _codenames(group: Group) -> set[tuple[str, str]]:
    return {
        (app, codename)
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


@pytest.mark.django_db
@pytest.mark.parametrize("role", roles.ROLES)
def test_each_role_group_holds_exactly_its_matrix(role):
    group = Group.objects.get(name=role)
    assert _codenames(group) == roles.role_permissions(role)


@pytest.mark.django_db
def test_reporting_reads_everything_and_changes_nothing():
    held = roles.role_permissions(roles.REPORTING)
    assert ("requests_app", "view_deadline") in held
    assert ("documents", "view_document") in held
    assert not [codename for _app, codename in held if not codename.startswith("view_")]


@pytest.mark.django_db
def test_lawyers_manage_lawsuits_and_staff_do_not():
    assert ("requests_app", "change_lawsuit") in roles.role_permissions(roles.LAWYER)
    assert ("requests_app", "change_lawsuit") not in roles.role_permissions(roles.STAFF)
    assert ("requests_app", "add_recordsrequest") in roles.role_permissions(roles.STAFF)
    assert ("requests_app", "add_recordsrequest") not in roles.role_permissions(roles.LAWYER)


@pytest.mark.django_db
def test_sync_puts_back_a_permission_removed_by_hand():
    group = Group.objects.get(name=roles.LAWYER)
    group.permissions.remove(Permission.objects.get(codename="change_lawsuit"))
    roles.roles_sync()
    assert ("requests_app", "change_lawsuit") in _codenames(group)


@pytest.mark.django_db
def test_user_has_role():
    lawyer = UserFactory(roles=[roles.LAWYER])
    assert roles.user_has_role(lawyer, roles.LAWYER, roles.STAFF)
    assert not roles.user_has_role(lawyer, roles.REPORTING)
    assert roles.user_has_role(UserFactory(is_superuser=True), roles.REPORTING)
    lawyer.is_active = False
    assert not roles.user_has_role(lawyer, roles.LAWYER)


# Bulk actions in the admin write, so each is offered only to the role that may change the rows;
# the other role still reads the list.
ADMIN_ACTIONS = [
    ("requests_app", "recordsrequest", "assign_owner", "staff_user", "lawyer_user"),
    ("requests_app", "recordsrequest", "record_acknowledgment", "staff_user", "lawyer_user"),
    ("documents", "release", "resume_ingestion", "staff_user", "lawyer_user"),
    ("requests_app", "deadline", "mark_met", "lawyer_user", "staff_user"),
    ("requests_app", "deadline", "mark_waived", "lawyer_user", "staff_user"),
    ("requests_app", "courtschedule", "cut_off", "lawyer_user", "staff_user"),
]


def _offered_actions(request, persona: str, app: str, model: str) -> set[str]:
    client = Client()
    client.force_login(request.getfixturevalue(persona))
    page = client.get(reverse(f"admin:{app}_{model}_changelist"))
    assert page.status_code == 200, (persona, model)
    action_form = page.context["action_form"]  # None when no action is offered at all
    if action_form is None:
        return set()
    return {name for name, _label in action_form.fields["action"].choices}


@pytest.mark.django_db
@pytest.mark.parametrize(("app", "model", "action", "allowed", "refused"), ADMIN_ACTIONS)
def test_admin_actions_are_offered_only_to_the_role_that_changes_the_rows(
    request, app, model, action, allowed, refused
):
    assert action in _offered_actions(request, allowed, app, model)
    assert action not in _offered_actions(request, refused, app, model)
