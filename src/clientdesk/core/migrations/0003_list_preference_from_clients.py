# The table `clients_listpreference` was made by the clients app; the core takes it over as is.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("core", "0002_message_requires_redact"),
        ("clients", "0007_list_preference_moves_to_core"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="ListPreference",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                            ),
                        ),
                        ("list_name", models.CharField(max_length=40)),
                        ("columns", models.JSONField(default=list)),
                        ("page_size", models.PositiveSmallIntegerField(default=50)),
                        (
                            "account",
                            models.ForeignKey(
                                db_index=False,
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to="core.account",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "clients_listpreference",
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("account", "user", "list_name"),
                                name="list_preference_unique",
                            )
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
