# The per-person list preference belongs to the core's table machinery; its table stays.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0006_indexes_lead_with_account"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="ListPreference")],
            database_operations=[],
        ),
    ]
