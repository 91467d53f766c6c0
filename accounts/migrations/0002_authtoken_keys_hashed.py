"""Move DRF's plain-text tokens (rest_framework.authtoken) into ApiToken, hashed, and delete them.

Every existing key goes on working, unchanged, for the same user: its SHA-256 is what ApiToken is
looked up by. The plain-text rows are then deleted, so no key is left readable in the database.
There is no way back (a hash cannot give the key again): reversing this migration does nothing.
"""

import hashlib

from django.db import migrations

#: The name a moved token carries on its holder's page, where they can rename nothing but can
#: revoke it and make a named one.
MOVED_TOKEN_NAME = "Created before named tokens"
#: DRF's keys are 40 hex characters (160 random bits); 8 of them tell a token apart.
MOVED_PREFIX_LENGTH = 8


def authtoken_keys_hash(apps, schema_editor):
    """Each authtoken row becomes an ApiToken with the key's SHA-256 (the same digest as
    ``accounts.keys.key_digest``, written out here so this migration never changes with the
    code), its creation time and the name above; then the plain-text rows are deleted."""
    Token = apps.get_model("authtoken", "Token")
    ApiToken = apps.get_model("accounts", "ApiToken")
    moved = [
        ApiToken(
            user_id=old.user_id,
            name=MOVED_TOKEN_NAME,
            prefix=old.key[:MOVED_PREFIX_LENGTH],
            key_hash=hashlib.sha256(old.key.encode()).hexdigest(),
            created_at=old.created,
        )
        for old in Token.objects.all().iterator()
    ]
    ApiToken.objects.bulk_create(moved, batch_size=500)
    Token.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        # Its table must exist (on a fresh database it is created empty) before it is read.
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [
        migrations.RunPython(authtoken_keys_hash, migrations.RunPython.noop, elidable=False),
    ]
