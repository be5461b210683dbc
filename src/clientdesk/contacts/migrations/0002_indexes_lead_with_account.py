"""Single-column foreign-key indexes dropped where an index led by account_id covers them
(core/migration_ops.py says why not a plain AlterField)."""

import django.db.models.deletion
from django.db import migrations, models

from clientdesk.core.migration_ops import fk_indexes_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("contacts", "0001_initial"),
        ("core", "0002_message_requires_redact"),
    ]

    operations = [
        fk_indexes_dropped(
            "contacts",
            [
                migrations.AlterField(
                    model_name="contact",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
            ],
        )
    ]
