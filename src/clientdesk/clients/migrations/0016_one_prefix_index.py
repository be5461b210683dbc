"""One index for a client's prefix: a unique (account, prefix) and a check that a prefix is
upper-case, in place of the unique (account, UPPER(prefix)) and (account, prefix, id)
(clients.models says why; docs/import-speed.md measured it).

A prefix stored in another case (none should be: every way in upper-cases it) is upper-cased
first; the unique index on UPPER(prefix) that this replaces means no two can then collide.
On SQLite the new constraints rebuild clients_client, which drops the search triggers of
0003_search with the old table: they are made again here, and the search index rebuilt.
"""

import importlib

from django.db import migrations, models
from django.db.models.functions import Upper


def _upper_case(apps, schema_editor):
    Client = apps.get_model("clients", "Client")
    Client.objects.exclude(prefix=Upper("prefix")).update(prefix=Upper("prefix"))


def _triggers_again(apps, schema_editor):
    earlier = importlib.import_module("clientdesk.clients.migrations.0011_email_domains")
    earlier._triggers_again(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0015_filter_indexes_in_insert_order"),
    ]

    operations = [
        migrations.RunPython(_upper_case, migrations.RunPython.noop, elidable=False),
        migrations.RemoveConstraint(
            model_name="client",
            name="client_prefix_ci_unique_per_account",
        ),
        migrations.RemoveIndex(
            model_name="client",
            name="client_prefix_idx",
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.UniqueConstraint(
                fields=("account", "prefix"), name="client_prefix_unique_per_account"
            ),
        ),
        migrations.AddConstraint(
            model_name="client",
            constraint=models.CheckConstraint(
                condition=models.Q(("prefix", Upper("prefix"))), name="client_prefix_upper_case"
            ),
        ),
        migrations.RunPython(_triggers_again, migrations.RunPython.noop, elidable=False),
    ]
