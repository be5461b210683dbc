"""Single-column foreign-key indexes dropped where an index led by account_id covers them
(core/migration_ops.py says why not a plain AlterField)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from clientdesk.core.migration_ops import fk_indexes_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0002_initial"),
        ("core", "0002_message_requires_redact"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        fk_indexes_dropped(
            "audit",
            [
                migrations.AlterField(
                    model_name="activity",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="actor",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
        )
    ]
