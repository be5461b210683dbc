"""Clients carry `email_domains` (inbound mail matches a sender's domain to its client).

On SQLite, adding a column with a default rebuilds clients_client, which drops the search
triggers of 0003_search with the old table: they are made again here, and the index rebuilt.
"""

from django.db import migrations, models

SQLITE_TRIGGERS = [
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_insert AFTER INSERT ON clients_client"
    " BEGIN"
    " INSERT INTO clients_client_search(rowid, name, prefix)"
    " VALUES (new.id, new.name, new.prefix); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_delete AFTER DELETE ON clients_client"
    " BEGIN"
    " INSERT INTO clients_client_search(clients_client_search, rowid, name, prefix)"
    " VALUES ('delete', old.id, old.name, old.prefix); END",
    "CREATE TRIGGER IF NOT EXISTS clients_client_search_update"
    " AFTER UPDATE OF name, prefix ON clients_client"
    " BEGIN"
    " INSERT INTO clients_client_search(clients_client_search, rowid, name, prefix)"
    " VALUES ('delete', old.id, old.name, old.prefix);"
    " INSERT INTO clients_client_search(rowid, name, prefix)"
    " VALUES (new.id, new.name, new.prefix); END",
    "INSERT INTO clients_client_search(clients_client_search) VALUES ('rebuild')",
]


def _triggers_again(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        for sql in SQLITE_TRIGGERS:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0010_tree_level_index"),
    ]

    operations = [
        migrations.AddField(
            model_name="client",
            name="email_domains",
            field=models.JSONField(blank=True, default=list, verbose_name="email domains"),
        ),
        migrations.RunPython(_triggers_again, migrations.RunPython.noop, elidable=False),
    ]
