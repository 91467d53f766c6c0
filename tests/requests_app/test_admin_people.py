"""The owner, staff and counsel pickers work for the staff and lawyer roles, who may not view
user accounts: they are plain selects of the people who work here, not autocompletes."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import LawsuitFactory, RecordsRequestFactory, UserFactory

pytestmark = pytest.mark.django_db


def _options(page: str, name: str) -> str:
    start = page.index(f'name="{name}"')
    return page[start : page.index("</select>", start)]


def test_staff_pick_an_owner_and_staff_from_people_holding_a_role(staff_client, lawyer_user):
    colleague = UserFactory(username="colleague", roles=["staff"])
    UserFactory(username="reader", roles=["reporting"])
    UserFactory(username="departed", roles=["staff"], is_active=False)
    request = RecordsRequestFactory(owner=colleague)
    page = staff_client.get(reverse("admin:requests_app_recordsrequest_change", args=[request.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    for name in ("owner", "assigned_staff"):
        options = _options(html, name)
        assert "colleague" in options
        assert "counsel" in options
        assert "paralegal" in options
        assert "reader" not in options
        assert "departed" not in options
    assert 'data-ajax--url="/admin/autocomplete/"' not in _options(html, "owner")
    # The picker's values are accepted when the form is saved.
    form = page.context["adminform"].form
    assert form.fields["owner"].queryset.filter(pk=colleague.pk).exists()


def test_a_departed_owner_stays_on_the_form_so_the_request_saves_unchanged(staff_client):
    departed = UserFactory(username="departed", is_active=False)
    request = RecordsRequestFactory(owner=departed)
    page = staff_client.get(reverse("admin:requests_app_recordsrequest_change", args=[request.pk]))
    assert "departed" in _options(page.content.decode(), "owner")


def test_lawyers_pick_counsel_without_permission_to_view_users(lawyer_client, lawyer_user):
    UserFactory(username="outsider", is_staff=False)
    lawsuit = LawsuitFactory()
    assert not lawyer_user.has_perm("auth.view_user")
    page = lawyer_client.get(reverse("admin:requests_app_lawsuit_change", args=[lawsuit.pk]))
    assert page.status_code == 200
    options = _options(page.content.decode(), "counsel")
    assert "counsel" in options
    assert "outsider" not in options


def test_the_user_autocomplete_stays_closed_to_the_roles(staff_client):
    """Nothing was opened to make the pickers work: the user autocomplete still refuses."""
    response = staff_client.get(
        "/admin/autocomplete/",
        {"app_label": "requests_app", "model_name": "recordsrequest", "field_name": "owner"},
    )
    assert response.status_code == 403
