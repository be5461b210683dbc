"""Every live client keeps an opportunity row (the Clients list sorts through it): the clients
that existed before the software app get theirs, at zero (their accounts have no catalog yet;
the first catalog change recomputes them all)."""

from django.db import migrations

FILL = """
INSERT INTO software_clientopportunity
    (client_id, account_id, industry_id, contacts, stack_count, missing_count,
     problematic_count, project, revenue, sub_project, sub_revenue)
SELECT c.id, c.account_id, c.industry_id, 0, 0, 0, 0, 0, 0, 0, 0
FROM clients_client c
WHERE NOT EXISTS (SELECT 1 FROM software_clientopportunity o WHERE o.client_id = c.id)
"""


class Migration(migrations.Migration):
    dependencies = [
        ("software", "0001_initial"),
        ("clients", "0011_email_domains"),
    ]

    operations = [migrations.RunSQL(FILL, migrations.RunSQL.noop)]
