"""An estimated deadline's note no longer opens with "Receipt not confirmed: this date is counted
from the filing date.": its explanation says so first, and read together the two said it twice.
The sentence is taken out of the notes already stored (written out here, not imported: a
migration keeps meaning what it meant)."""

from django.db import migrations
from django.db.models import F, Value
from django.db.models.functions import Replace

REPEATED = "Receipt not confirmed: this date is counted from the filing date. "


def said_once(apps, schema_editor):
    Deadline = apps.get_model("requests_app", "Deadline")
    Deadline.objects.filter(source="estimate", note__contains=REPEATED).update(
        note=Replace(F("note"), Value(REPEATED), Value(""))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("requests_app", "0013_lawsuit_district_from_court"),
    ]

    # Nothing to put back: the note reads whole without the sentence.
    operations = [migrations.RunPython(said_once, migrations.RunPython.noop)]
