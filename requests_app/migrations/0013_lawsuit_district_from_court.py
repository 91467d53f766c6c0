"""Each lawsuit's district from the court it names, where that is unambiguous ("U.S. District
Court, D. Mass." → mad), and each open computed deadline of a suit told which forum's holidays
it rolls past (FRCP 6(a)(6)(C); "" for none). The recount itself happens after `migrate`
(requests_app.apps: the calendars have no fingerprint yet, so every open deadline is recounted).

The district labels are written out here, not imported: a migration keeps meaning what it meant.
"""

import re

from django.db import migrations

# PACER id -> (citation form, the district's name in words); state code from the id's letters.
DISTRICTS = {
    "mad": ("D. Mass.", "District of Massachusetts"),
    "dcd": ("D.D.C.", "District of Columbia"),
    "cand": ("N.D. Cal.", "Northern District of California"),
    "cacd": ("C.D. Cal.", "Central District of California"),
    "caed": ("E.D. Cal.", "Eastern District of California"),
    "casd": ("S.D. Cal.", "Southern District of California"),
    "nynd": ("N.D.N.Y.", "Northern District of New York"),
    "nysd": ("S.D.N.Y.", "Southern District of New York"),
    "nyed": ("E.D.N.Y.", "Eastern District of New York"),
    "nywd": ("W.D.N.Y.", "Western District of New York"),
    "ilnd": ("N.D. Ill.", "Northern District of Illinois"),
    "ilcd": ("C.D. Ill.", "Central District of Illinois"),
    "ilsd": ("S.D. Ill.", "Southern District of Illinois"),
    "txnd": ("N.D. Tex.", "Northern District of Texas"),
    "txsd": ("S.D. Tex.", "Southern District of Texas"),
    "txed": ("E.D. Tex.", "Eastern District of Texas"),
    "txwd": ("W.D. Tex.", "Western District of Texas"),
    "waed": ("E.D. Wash.", "Eastern District of Washington"),
    "wawd": ("W.D. Wash.", "Western District of Washington"),
    "flnd": ("N.D. Fla.", "Northern District of Florida"),
    "flmd": ("M.D. Fla.", "Middle District of Florida"),
    "flsd": ("S.D. Fla.", "Southern District of Florida"),
}


def _compact(text):
    return re.sub(r"[^a-z]", "", text.lower())


def district_named(court):
    """The one district whose citation form or name the court text contains, else ""."""
    text = _compact(court)
    found = {
        code
        for code, (cited, name) in DISTRICTS.items()
        if _compact(cited) in text or _compact(name) in text
    }
    # "District of Columbia" is also the tail of no other name; "D.D.C." inside "N.D.D.C." is
    # no real court. Two different matches leave the suit for staff to decide.
    return found.pop() if len(found) == 1 else ""


def forum_of(district):
    if not district:
        return ""
    return "US-DC" if district == "dcd" else f"US-{district[:2].upper()}"


def set_districts(apps, schema_editor):
    Lawsuit = apps.get_model("requests_app", "Lawsuit")
    Deadline = apps.get_model("requests_app", "Deadline")
    for lawsuit in Lawsuit.objects.filter(district=""):
        district = district_named(lawsuit.court)
        if district:
            lawsuit.district = district
            lawsuit.save(update_fields=["district"])
    for lawsuit in Lawsuit.objects.all():
        forum = forum_of(lawsuit.district)
        for deadline in Deadline.objects.filter(lawsuit=lawsuit, status="open").exclude(basis={}):
            deadline.basis = {**deadline.basis, "forum": forum}
            deadline.save(update_fields=["basis"])


def unset_districts(apps, schema_editor):
    Deadline = apps.get_model("requests_app", "Deadline")
    for deadline in Deadline.objects.filter(lawsuit__isnull=False).exclude(basis={}):
        if "forum" in deadline.basis:
            deadline.basis = {k: v for k, v in deadline.basis.items() if k != "forum"}
            deadline.save(update_fields=["basis"])


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0012_state_rules_district_observance")]

    operations = [migrations.RunPython(set_districts, unset_districts)]
