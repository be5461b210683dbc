"""Migration operations shared by the apps.

`fk_indexes_dropped` turns off the single-column index of some foreign keys (`db_index=False`,
see clients/models.py) by dropping just those indexes. Django's own AlterField would rebuild the
whole table on SQLite for that, which also drops the table's triggers (the clients' FTS5 search
index is kept by triggers), and copies every row; here the state changes as AlterField's would
and the database loses one index per field, nothing else.
"""

from django.db import migrations


def _single_column_indexes(schema_editor, table: str, column: str) -> list[str]:
    with schema_editor.connection.cursor() as cursor:
        found = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, info in found.items()
        if info["index"] and not info["unique"] and not info["primary_key"]
        and info["columns"] == [column] and not info.get("expressions")
    ]  # fmt: skip


def fk_indexes_dropped(app_label: str, alterations: list[migrations.AlterField]):
    """AlterField operations that set db_index=False, applied as index drops."""

    def fields(apps):
        for op in alterations:
            model = apps.get_model(app_label, op.model_name)
            yield model, model._meta.get_field(op.name)

    def forwards(apps, schema_editor):
        for model, field in fields(apps):
            for name in _single_column_indexes(schema_editor, model._meta.db_table, field.column):
                schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def backwards(apps, schema_editor):
        for model, field in fields(apps):
            if not _single_column_indexes(schema_editor, model._meta.db_table, field.column):
                schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))

    return migrations.SeparateDatabaseAndState(
        state_operations=alterations,
        database_operations=[migrations.RunPython(forwards, backwards)],
    )
