"""The jurisdictions whose deadline rules foiatracker knows (see DESIGN.md, "Deadline rules")."""

from django.db import migrations

JURISDICTIONS = [
    ("US", "United States (federal)", "federal", "Freedom of Information Act", "5 U.S.C. 552"),
    (
        "US-CA",
        "California",
        "state",
        "California Public Records Act",
        "Cal. Gov. Code §7920.000 et seq.",
    ),
    ("US-FL", "Florida", "state", "Florida Public Records Act", "Fla. Stat. ch. 119"),
    ("US-IL", "Illinois", "state", "Illinois Freedom of Information Act", "5 ILCS 140"),
    (
        "US-MA",
        "Massachusetts",
        "state",
        "Massachusetts Public Records Law",
        "G.L. c.66 §10; G.L. c.4 §7(26)",
    ),
    (
        "US-NY",
        "New York",
        "state",
        "Freedom of Information Law",
        "N.Y. Public Officers Law §§84-90",
    ),
    ("US-TX", "Texas", "state", "Texas Public Information Act", "Tex. Gov't Code ch. 552"),
    ("US-WA", "Washington", "state", "Public Records Act", "RCW 42.56"),
]


def add_jurisdictions(apps, schema_editor):
    Jurisdiction = apps.get_model("requests_app", "Jurisdiction")
    for code, name, level, law_name, citation in JURISDICTIONS:
        Jurisdiction.objects.update_or_create(
            code=code,
            defaults={"name": name, "level": level, "law_name": law_name, "law_citation": citation},
        )


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(add_jurisdictions, migrations.RunPython.noop)]
