"""Export, then import in upsert mode: nothing changes (CSV and XLSX, clients and contacts)."""

import pytest

from clientdesk.audit.models import Activity
from clientdesk.clients.models import Client
from clientdesk.clients.services import client_change_status, client_set_tags, client_update
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.transfer.exports import (
    client_rows_for_import,
    contact_rows_for_import,
    csv_chunks,
    import_header,
)
from clientdesk.transfer.kinds import CLIENTS, CONTACTS
from clientdesk.transfer.services import import_file
from clientdesk.transfer.xlsx_stream import xlsx_chunks
from tests.clients.factories import make_client


def _write(tmp_path, fmt: str, header, rows, name: str):
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "csv":
        path.write_bytes(b"".join(csv_chunks(header, rows)))
    else:
        path.write_bytes(b"".join(xlsx_chunks(header, rows, title=name)))
    return path


@pytest.fixture
def filled(cast):
    hq = make_client(
        cast.account,
        prefix="HQ",
        name="Société Générale d'Études",
        description="Two lines\nof notes",
        industry=None,
        manager=cast.manager.user,
        license="Premium",
        billing_email="billing@hq.example",
        tax_id="FR123",
    )
    branch = make_client(cast.account, prefix="BR", name="=Branch+1", parent=hq, status="lead")
    client_set_tags(client=branch, actor=None, names=["vip", "North"])
    client_update(client=branch, actor=None, version=None, payment_terms="-30 days")
    contact_create(
        client=hq, actor=None, first_name="Zoë", last_name="Ünal", email="zoe@hq.example"
    )
    contact_create(client=hq, actor=None, first_name="Sam", email="sam@hq.example", phone="@home")
    return cast


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_clients_import_back_unchanged(filled, tmp_path, fmt):
    account = filled.account
    hq = Client.objects.get(account=account, prefix="HQ")
    client_change_status(client=hq, actor=None, to_status="at_risk", reason="late")
    rows = client_rows_for_import(Client.objects.filter(account=account), account)
    path = _write(tmp_path, fmt, import_header(CLIENTS), rows, "clients")
    before = list(Client.objects.filter(account=account).order_by("pk").values())
    activities = Activity.objects.count()

    job = import_file(account=account, membership=filled.owner, kind="clients", path=str(path))

    assert job.counts == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert list(Client.objects.filter(account=account).order_by("pk").values()) == before
    assert Activity.objects.count() == activities


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_exported_contacts_import_back_unchanged(filled, tmp_path, fmt):
    account = filled.account
    rows = contact_rows_for_import(Contact.objects.filter(account=account), account)
    path = _write(tmp_path, fmt, import_header(CONTACTS), rows, "contacts")
    before = list(Contact.objects.filter(account=account).order_by("pk").values())

    job = import_file(account=account, membership=filled.owner, kind="contacts", path=str(path))

    assert job.counts == {"rows": 2, "created": 0, "updated": 0, "unchanged": 2, "rejected": 0}
    assert list(Contact.objects.filter(account=account).order_by("pk").values()) == before


def test_exported_clients_fill_an_empty_account_with_the_same_clients(filled, tmp_path):
    account = filled.account
    hq = Client.objects.get(account=account, prefix="HQ")
    client_update(client=hq, actor=None, version=None, manager=None)  # not on the new team
    rows = client_rows_for_import(Client.objects.filter(account=account), account)
    path = _write(tmp_path, "csv", import_header(CLIENTS), rows, "clients")
    from clientdesk.core.models import Membership
    from tests.factories import make_account

    other = make_account("moving", name="Moving Co")
    owner = Membership.objects.get(account=other, role="owner")

    job = import_file(account=other, membership=owner, kind="clients", path=str(path))

    assert job.counts["created"] == 2, list(job.row_errors.values_list("message", flat=True))
    branch = Client.objects.get(account=other, prefix="BR")
    assert branch.name == "=Branch+1" and branch.parent.prefix == "HQ"
    assert branch.payment_terms == "-30 days"
    hq = Client.objects.get(account=other, prefix="HQ")
    assert hq.name == "Société Générale d'Études" and hq.description == "Two lines\nof notes"
    assert hq.billing_email == "billing@hq.example" and hq.license == "Premium"


def test_a_parent_hidden_from_restricted_staff_survives_their_round_trip(filled, tmp_path):
    from clientdesk.clients.queries import clients_visible
    from clientdesk.core.services import membership_set_client_access

    account = filled.account
    branch = Client.objects.get(account=account, prefix="BR")
    membership_set_client_access(
        actor=filled.owner, membership=filled.manager, access="allow", clients=[branch]
    )
    rows = list(
        client_rows_for_import(clients_visible(filled.manager), account, membership=filled.manager)
    )
    assert [r[0] for r in rows] == ["BR"]
    path = _write(tmp_path, "csv", import_header(CLIENTS), rows, "clients")

    job = import_file(account=account, membership=filled.manager, kind="clients", path=str(path))

    assert job.counts["unchanged"] == 1
    assert Client.objects.get(pk=branch.pk).parent.prefix == "HQ"
