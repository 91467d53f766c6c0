"""The role groups exist after migrate, hold exactly the written matrix, and survive edits."""

import pytest
from django.contrib.auth.models import Group, Permission

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
