"""Indexes for the client search (clients/search.py), one kind per database.

PostgreSQL: GIN trigram indexes on exactly the expressions Django's `icontains` renders
(UPPER(col::text)), led by account_id like every index (btree_gin lets a GIN index hold it).
pg_trgm and btree_gin are trusted extensions: the database owner may create them.

SQLite: an FTS5 table with the trigram tokenizer over (name, prefix), its content read from
clients_client (external content: nothing is stored twice) and kept in step by triggers.
A migration that rebuilds clients_client on SQLite (Django does so for many ALTERs) drops these
triggers with the old table: tests/clients/test_search.py checks that they are still there.
"""

from django.db import migrations

POSTGRES_FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE EXTENSION IF NOT EXISTS btree_gin",
    "CREATE INDEX client_name_trgm_idx ON clients_client"
    " USING gin (account_id, (UPPER(name::text)) gin_trgm_ops)",
    "CREATE INDEX client_prefix_trgm_idx ON clients_client"
    " USING gin (account_id, (UPPER(prefix::text)) gin_trgm_ops)",
]
# The extensions stay: other indexes or databases objects may use them.
POSTGRES_BACKWARD = [
    "DROP INDEX IF EXISTS client_prefix_trgm_idx",
    "DROP INDEX IF EXISTS client_name_trgm_idx",
]

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE clients_client_search USING fts5("
    "name, prefix, content='clients_client', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER clients_client_search_insert AFTER INSERT ON clients_client BEGIN"
    " INSERT INTO clients_client_search(rowid, name, prefix)"
    " VALUES (new.id, new.name, new.prefix); END",
    "CREATE TRIGGER clients_client_search_delete AFTER DELETE ON clients_client BEGIN"
    " INSERT INTO clients_client_search(clients_client_search, rowid, name, prefix)"
    " VALUES ('delete', old.id, old.name, old.prefix); END",
    "CREATE TRIGGER clients_client_search_update AFTER UPDATE OF name, prefix ON clients_client"
    " BEGIN"
    " INSERT INTO clients_client_search(clients_client_search, rowid, name, prefix)"
    " VALUES ('delete', old.id, old.name, old.prefix);"
    " INSERT INTO clients_client_search(rowid, name, prefix)"
    " VALUES (new.id, new.name, new.prefix); END",
    "INSERT INTO clients_client_search(clients_client_search) VALUES ('rebuild')",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS clients_client_search_update",
    "DROP TRIGGER IF EXISTS clients_client_search_delete",
    "DROP TRIGGER IF EXISTS clients_client_search_insert",
    "DROP TABLE IF EXISTS clients_client_search",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, ()):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0003_list_preference"),
    ]

    operations = [
        migrations.RunPython(
            _run({"postgresql": POSTGRES_FORWARD, "sqlite": SQLITE_FORWARD}),
            _run({"postgresql": POSTGRES_BACKWARD, "sqlite": SQLITE_BACKWARD}),
            elidable=False,
        ),
    ]
