"""DESIGN §4's formulas on worked examples, kept per client as the stack, the catalog, the
contacts, the industry and the tree change; rolled up over sub-clients."""

from decimal import Decimal

import pytest

from clientdesk.clients.services import client_delete, client_update
from clientdesk.contacts.services import contact_create, contact_delete
from clientdesk.software.models import ClientOpportunity
from clientdesk.software.opportunity import FIGURES, opportunities_recompute
from clientdesk.software.queries import opportunity_of
from clientdesk.software.services import (
    application_delete,
    application_update,
    client_app_add,
    client_app_remove,
    client_app_update,
)
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client
from tests.software.helpers import industry, kept, worked_catalog

pytestmark = pytest.mark.django_db


def _contacts(client, n):
    return [
        contact_create(
            client=client, actor=None, first_name=f"P{i}", email=f"p{i}@{client.prefix}.example"
        )
        for i in range(n)
    ]


def test_the_worked_example(cast):
    """A legal firm with 3 contacts holding C (problematic): it misses A and B.
    Project = A 1000.00 + B 2500.00 + C 300.00 (problematic) = 3800.00.
    Revenue = (10.50 + 39.99) × 3 contacts × 12 = 1817.64 — exactly, in Decimal."""
    apps = worked_catalog(cast)
    firm = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    _contacts(firm, 3)
    client_app_add(client=firm, actor=cast.manager, application=apps["C"], problematic=True)

    row = kept(firm)
    assert (row.project, row.revenue) == (Decimal("3800.00"), Decimal("1817.64"))
    assert isinstance(row.revenue, Decimal)
    assert (row.stack_count, row.missing_count, row.problematic_count, row.contacts) == (1, 2, 1, 3)
    o = opportunity_of(client=firm)
    assert o["missing"] == ["Alpha Mail", "Brief Legal"]
    assert o["problematic"] == ["Chat Tool"]
    assert (o["project"], o["revenue"]) == (Decimal("3800.00"), Decimal("1817.64"))


def test_missing_apps_follow_the_industry(cast):
    apps = worked_catalog(cast)
    shop = make_client(cast, prefix="SHOP", industry=industry(cast, "Retail"))
    nobody = make_client(cast, prefix="NONE")
    assert opportunity_of(client=shop)["missing"] == ["Alpha Mail", "Dock POS"]
    assert opportunity_of(client=nobody)["missing"] == ["Alpha Mail"]  # the all-industries part
    # Holding a baseline app takes it off; a problematic one counts as project, not missing.
    client_app_add(client=shop, actor=cast.manager, application=apps["D"], problematic=True)
    o = opportunity_of(client=shop)
    assert o["missing"] == ["Alpha Mail"] and o["problematic"] == ["Dock POS"]
    assert kept(shop).project == Decimal("1700.00")  # A 1000.00 + D 700.00
    # Moving to Legal: D's industry no longer counts, B's does.
    shop = client_update(
        client=shop, actor=cast.manager, version=None, industry=industry(cast, "Legal")
    )
    assert opportunity_of(client=shop)["missing"] == ["Alpha Mail", "Brief Legal"]
    assert kept(shop).project == Decimal("4200.00")  # A + B + D still problematic
    assert kept(shop).missing_count == 2


def test_the_kept_figures_follow_contacts_stack_and_catalog(cast):
    apps = worked_catalog(cast)
    firm = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    assert kept(firm).revenue == Decimal("0.00")  # no contacts yet
    people = _contacts(firm, 2)
    assert kept(firm).revenue == Decimal("1211.76")  # 50.49 × 2 × 12
    contact_delete(contact=people[1], actor=None)
    assert kept(firm).revenue == Decimal("605.88")

    client_app_add(client=firm, actor=cast.manager, application=apps["A"])
    assert kept(firm).revenue == Decimal("479.88")  # 39.99 × 1 × 12
    row = client_app_add(client=firm, actor=cast.manager, application=apps["C"])
    assert kept(firm).project == Decimal("2500.00")
    client_app_update(row=row, actor=cast.manager, problematic=True, note="Licence lapsed")
    assert kept(firm).project == Decimal("2800.00")
    client_app_remove(row=row, actor=cast.manager)
    assert kept(firm).project == Decimal("2500.00")

    # A catalog change reaches every client of the account.
    other = make_client(cast, prefix="OTH")
    application_update(application=apps["A"], actor=cast.manager, project_value=Decimal("1234.56"))
    assert kept(other).project == Decimal("1234.56")
    application_update(application=apps["B"], actor=cast.manager, baseline=False)
    assert kept(firm).project == Decimal("0.00") and kept(firm).missing_count == 0
    application_delete(application=apps["A"], actor=cast.manager)
    assert kept(other).project == Decimal("0.00")


def test_opportunities_roll_up_over_sub_clients_at_any_depth(cast):
    worked_catalog(cast)  # A: 1000.00 for everyone
    root = make_client(cast, prefix="ROOT")
    kid = make_client(cast, prefix="KID", parent=root)
    grand = make_client(cast, prefix="GRAND", parent=kid, industry=industry(cast, "Retail"))
    _contacts(grand, 1)
    # grand: A + D = 1700.00, revenue (10.50 + 8.25) × 12 = 225.00
    assert (kept(grand).project, kept(grand).revenue) == (Decimal("1700.00"), Decimal("225.00"))
    assert (kept(kid).sub_project, kept(kid).sub_revenue) == (Decimal("1700.00"), Decimal("225.00"))
    assert kept(root).sub_project == Decimal("2700.00")  # kid 1000.00 + grand 1700.00
    o = opportunity_of(client=root)
    assert o["project_total"] == Decimal("3700.00") and o["revenue_total"] == Decimal("225.00")

    # Moving the grandchild to the top takes its figures out of both sums.
    client_update(client=grand, actor=cast.manager, version=None, parent=None)
    assert kept(kid).sub_project == Decimal("0.00")
    assert kept(root).sub_project == Decimal("1000.00")
    # Deleting a sub-client takes it out too.
    client_delete(client=kid, actor=cast.manager)
    assert kept(root).sub_project == Decimal("0.00")


def test_every_client_keeps_a_row_even_without_a_catalog(cast):
    """The Clients list sorts through the kept rows (an INNER JOIN): a client without one
    would drop out of that sort."""
    from clientdesk.software.models import Application

    Application.objects.filter(account=cast.account).delete()
    client = make_client(cast, prefix="BARE")
    assert kept(client).project == Decimal("0.00")
    assert opportunity_of(client=client)["missing"] == []


def test_a_large_accounts_catalog_change_is_recomputed_by_a_task(
    cast, monkeypatch, run_tasks, django_capture_on_commit_callbacks
):
    from clientdesk.software import opportunity

    apps = worked_catalog(cast)
    clients = [make_client(cast, prefix=f"BIG{i}") for i in range(3)]
    monkeypatch.setattr(opportunity, "SYNC_LIMIT", 2)
    with django_capture_on_commit_callbacks(execute=True):
        application_update(
            application=apps["A"], actor=cast.manager, project_value=Decimal("99.00")
        )
    assert kept(clients[0]).project == Decimal("1000.00")  # not yet: the worker's job
    run_tasks()
    assert [kept(c).project for c in clients] == [Decimal("99.00")] * 3


def test_imported_clients_get_the_figures_a_full_recompute_gives(cast, tmp_path):
    """New clients take a cheaper path (plain rows, families summed only where a new client
    has a parent): an import with industries, contacts and sub-clients at two depths, some
    under an existing client, keeps exactly what recomputing every client gives."""
    worked_catalog(cast)
    make_client(cast, prefix="OLD", name="Old Group", industry=industry(cast, "Retail"))
    path = tmp_path / "clients.csv"
    path.write_text(
        "Prefix,Name,Industry,Parent prefix,Contact email\n"
        "HQ,Head,Legal,,hq@x.example\n"
        "SITE,Site,Retail,HQ,site@x.example\n"
        "ROOM,Room,Legal,SITE,room@x.example\n"
        "SHOP,Shop,Retail,OLD,shop@x.example\n"
        "LONE,Lone,,,\n"
        "LATE,Late child,Legal,LAST,late@x.example\n"
        "LAST,Last parent,Retail,,\n"
    )
    job = import_file(account=cast.account, membership=cast.manager, kind="clients", path=str(path))
    assert job.counts["created"] == 7, job.counts

    def rows():
        return sorted(
            ClientOpportunity.objects.filter(account=cast.account).values_list(
                "client__prefix", *FIGURES, "sub_project", "sub_revenue"
            )
        )

    imported = rows()
    opportunities_recompute(cast.account.pk, None)
    assert imported == rows()
    by_prefix = {r[0]: r for r in imported}
    assert by_prefix["HQ"][-2] > 0 and by_prefix["OLD"][-2] > 0  # sums over sub-clients
    assert by_prefix["LAST"][-2] > 0  # a parent listed after its child
