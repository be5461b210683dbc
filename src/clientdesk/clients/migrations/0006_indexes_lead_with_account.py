"""Single-column foreign-key indexes dropped where an index led by account_id covers them
(core/migration_ops.py says why not a plain AlterField)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

from clientdesk.core.migration_ops import fk_indexes_dropped


class Migration(migrations.Migration):
    dependencies = [
        ("clients", "0005_client_set_aside_index"),
        ("core", "0002_message_requires_redact"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        fk_indexes_dropped(
            "clients",
            [
                migrations.AlterField(
                    model_name="client",
                    name="deleted_by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="client",
                    name="industry",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="clients.industry",
                        verbose_name="industry",
                    ),
                ),
                migrations.AlterField(
                    model_name="client",
                    name="manager",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="manager",
                    ),
                ),
                migrations.AlterField(
                    model_name="clienttag",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="clienttag",
                    name="tag",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="clients.tag",
                    ),
                ),
                migrations.AlterField(
                    model_name="industry",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="listpreference",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="serviceperiod",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="statuschange",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="statuschange",
                    name="by",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="statusdaydelta",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="statusinterval",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="+",
                        to="core.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="tag",
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
