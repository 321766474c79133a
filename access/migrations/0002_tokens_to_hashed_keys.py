"""DRF's tokens, stored in plaintext, become hashed API keys of the old kind: each keeps
working as it is sent (`Authorization: Token <key>`) until TRACKER_LEGACY_TOKENS_UNTIL, and
no token is left in plaintext in the database."""

import hashlib

from django.db import migrations


def to_hashed(apps, schema_editor):
    Token = apps.get_model("authtoken", "Token")
    ApiKey = apps.get_model("access", "ApiKey")
    for token in Token.objects.all():
        ApiKey.objects.create(
            prefix=f"old-{token.user_id}",
            digest=hashlib.sha256(token.key.encode()).hexdigest(),
            user_id=token.user_id,
            name="DRF token (old kind)",
            scope="read-write",
            created_at=token.created,
            legacy=True,
        )
    Token.objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("access", "0001_initial"),
        ("authtoken", "0004_alter_tokenproxy_options"),
    ]

    operations = [migrations.RunPython(to_hashed, migrations.RunPython.noop)]
