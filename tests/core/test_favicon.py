"""/favicon.ico, which browsers ask of every site, leads to the site's icon (an SVG among the
static files) instead of a 404 in the log; the admin's pages name the icon themselves."""

from __future__ import annotations

from xml.etree import ElementTree

import pytest
from django.contrib.staticfiles import finders
from django.test import Client


def test_favicon_ico_leads_to_the_icon():
    response = Client().get("/favicon.ico")
    assert response.status_code == 301
    assert response["Location"] == "/static/core/favicon.svg"
    found = finders.find("core/favicon.svg")
    assert found is not None
    icon = ElementTree.parse(found).getroot()
    assert icon.tag == "{http://www.w3.org/2000/svg}svg"


@pytest.mark.django_db
def test_the_admin_names_the_icon(staff_client):
    page = staff_client.get("/admin/").content.decode()
    assert '<link rel="icon" href="/static/core/favicon.svg" type="image/svg+xml">' in page
