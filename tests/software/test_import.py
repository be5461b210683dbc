"""The `applications` import kind: a catalog from a file, matched on the name, the
opportunities recomputed once for the batch."""

from decimal import Decimal

import pytest

from clientdesk.software.models import Application
from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client
from tests.software.helpers import industry, kept

pytestmark = pytest.mark.django_db

CSV = """Name,Category,Vendor,Project value,Monthly price per user,Baseline,Baseline industries
Microsoft 365,Productivity,Microsoft,2000.00,12.50,yes,
Vault,Security,Vaultco,150,2,yes,Legal
Bad one,Nonsense,,abc,,,
"""


def test_an_applications_file_fills_and_updates_the_catalog(cast, tmp_path):
    firm = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    path = tmp_path / "apps.csv"
    path.write_text(CSV)
    job = import_file(
        account=cast.account, membership=cast.manager, kind="applications", path=str(path)
    )
    assert job.state == "done", job.failure
    assert (job.counts["created"], job.counts["updated"], job.counts["rejected"]) == (1, 1, 1)
    assert {e.row for e in import_errors(job)} == {4}
    vault = Application.objects.get(account=cast.account, name="Vault")
    assert vault.project_value == Decimal("150.00")
    assert [i.name for i in vault.baseline_industries.all()] == ["Legal"]
    m365 = Application.objects.get(account=cast.account, name="Microsoft 365")
    assert m365.project_value == Decimal("2000.00")
    # Recomputed once for the batch: the firm now misses Vault and the dearer Microsoft 365.
    assert kept(firm).project == Decimal("6750.00")  # 6100.00 + 500.00 + 150.00


def test_amounts_written_with_a_decimal_comma_are_read_as_such(cast, tmp_path):
    path = tmp_path / "apps.csv"
    path.write_text(
        'Name;Project value;Monthly price per user\nBackup;"1.234,50";"12,50"\nMail;900;3\n'
    )
    job = import_file(
        account=cast.account, membership=cast.manager, kind="applications", path=str(path)
    )
    assert job.state == "done", job.failure
    assert job.counts["rejected"] == 0, list(import_errors(job))
    backup = Application.objects.get(account=cast.account, name="Backup")
    assert (backup.project_value, backup.monthly_price_per_user) == (
        Decimal("1234.50"),
        Decimal("12.50"),
    )
    assert Application.objects.get(account=cast.account, name="Mail").project_value == 900
