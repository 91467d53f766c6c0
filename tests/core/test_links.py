"""Absolute links for what leaves the site (core.links), from SITE_URL."""

from __future__ import annotations

import pytest

from core.links import absolute_url, site_host


def test_a_path_on_the_public_site(settings):
    settings.SITE_URL = "https://foia.example.org"
    assert (
        absolute_url("/reminders/preferences/") == "https://foia.example.org/reminders/preferences/"
    )
    assert site_host() == "foia.example.org"


def test_a_site_under_a_path_keeps_it_and_never_doubles_the_slash(settings):
    settings.SITE_URL = "https://example.org/foia/"
    assert absolute_url("/admin/") == "https://example.org/foia/admin/"
    assert site_host() == "example.org"


def test_only_paths_from_the_sites_root_are_made_absolute(settings):
    with pytest.raises(ValueError, match="not a path from the site's root"):
        absolute_url("admin/")


def test_the_default_points_at_the_development_server():
    # settings.py reads SITE_URL once, without its trailing slash (tests run with the default).
    assert absolute_url("/x/") == "http://localhost:8000/x/"
    assert site_host() == "localhost"
