"""The jurisdictions whose deadline rules foiatracker knows (docs/design.md, "Deadline rules")."""

from django.db import migrations

from requests_app.jurisdictions import jurisdictions_seed


def add_jurisdictions(apps, schema_editor):
    jurisdictions_seed(apps)


class Migration(migrations.Migration):
    dependencies = [("requests_app", "0001_initial")]

    operations = [migrations.RunPython(add_jurisdictions, migrations.RunPython.noop)]
