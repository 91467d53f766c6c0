"""The federal FOIA exemptions, 5 U.S.C. 552(b)(1)-(9) with the (b)(7) sub-parts (A)-(F)."""

from django.db import migrations

from documents.exemptions import federal_exemptions_seed


def add(apps, schema_editor):
    federal_exemptions_seed(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("documents", "0002_document_request_matches_release"),
        ("requests_app", "0002_jurisdictions"),
    ]

    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
