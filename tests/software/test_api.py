"""The software API (DESIGN §7): /applications, /clients/{id}/apps, the client's
`opportunity`, and the Clients list's filters and sorts that software adds."""

from decimal import Decimal

import pytest

from clientdesk.software.services import client_app_add
from tests.api.test_clients_api import Api
from tests.clients.factories import make_client
from tests.software.helpers import industry, kept, worked_catalog

pytestmark = pytest.mark.django_db


@pytest.fixture
def manager(cast):
    return Api(cast.manager)


def test_the_catalog_lists_and_takes_applications(cast, manager):
    worked_catalog(cast)
    body = manager.get("/api/v1/applications").json()
    assert [a["name"] for a in body["items"]] == [
        "Alpha Mail",
        "Brief Legal",
        "Chat Tool",
        "Dock POS",
    ]
    brief = body["items"][1]
    assert brief["project_value"] == "2500.00" and brief["monthly_price_per_user"] == "39.99"
    assert brief["baseline"] is True and brief["baseline_industries"] == ["Legal"]
    assert body["items"][0]["baseline_industries"] == []  # every industry

    made = manager.post(
        "/api/v1/applications",
        {
            "name": "Eagle Backup",
            "category": "backup",
            "vendor": "Eagle",
            "project_value": "450.00",
            "monthly_price_per_user": "3.20",
            "baseline": True,
            "baseline_industries": ["Healthcare"],
        },
    )
    assert made.status_code == 201, made.content
    assert made.json()["baseline_industries"] == ["Healthcare"]
    again = manager.post("/api/v1/applications", {"name": "eagle backup"})
    assert again.status_code == 422 and "name" in again.json()["errors"]
    # A technician reads the catalog without its prices and may not change it.
    tech = Api(cast.technician)
    assert tech.get("/api/v1/applications").json()["items"][0]["project_value"] is None
    assert tech.post("/api/v1/applications", {"name": "X"}).status_code == 403


def test_a_clients_stack_through_the_api(cast, manager):
    apps = worked_catalog(cast)
    firm = make_client(cast, prefix="LAW", industry=industry(cast, "Legal"))
    base = f"/api/v1/clients/{firm.pk}/apps"
    added = manager.post(base, {"application_id": apps["C"].pk, "problematic": True, "note": "Old"})
    assert added.status_code == 201, added.content
    assert added.json() == {
        "application_id": apps["C"].pk,
        "name": "Chat Tool",
        "category": "other",
        "problematic": True,
        "note": "Old",
    }
    assert manager.post(base, {"application_id": apps["C"].pk}).status_code == 422  # twice
    other = Api(cast.outsider)
    assert other.get(base).status_code == 404

    client = manager.get(f"/api/v1/clients/{firm.pk}").json()
    assert client["opportunity"] == {
        "missing_apps": ["Alpha Mail", "Brief Legal"],
        "problematic_apps": ["Chat Tool"],
        "project": "3800.00",
        "revenue": "0.00",  # no contacts
    }
    patched = manager.patch(f"{base}/{apps['C'].pk}", {"problematic": False})
    assert patched.status_code == 200 and patched.json()["note"] == "Old"
    assert manager.get(f"/api/v1/clients/{firm.pk}").json()["opportunity"]["project"] == "3500.00"
    assert manager.delete(f"{base}/{apps['C'].pk}").status_code == 204
    assert manager.get(base).json() == {"items": [], "next": None}
    # A technician edits stacks but reads no money.
    tech = Api(cast.technician)
    assert tech.post(base, {"application_id": apps["A"].pk}).status_code == 201
    assert tech.get(f"/api/v1/clients/{firm.pk}").json()["opportunity"]["project"] is None


def _three(cast, apps):
    """BIG misses A and B (3500.00); MID holds A problematic and misses nothing else
    (1000.00); NIL holds A (0.00)."""
    big = make_client(cast, prefix="BIG", industry=industry(cast, "Legal"))
    mid = make_client(cast, prefix="MID")
    client_app_add(client=mid, actor=None, application=apps["A"], problematic=True)
    nil = make_client(cast, prefix="NIL")
    client_app_add(client=nil, actor=None, application=apps["A"])
    return big, mid, nil


def prefixes(response):
    assert response.status_code == 200, response.content
    return [c["prefix"] for c in response.json()["items"]]


def test_the_clients_list_filters_and_sorts_by_opportunity(cast, manager):
    apps = worked_catalog(cast)
    _three(cast, apps)
    get = manager.get
    assert prefixes(get("/api/v1/clients", order="-project_opportunity")) == ["BIG", "MID", "NIL"]
    assert prefixes(get("/api/v1/clients", order="project_opportunity")) == ["NIL", "MID", "BIG"]
    assert prefixes(get("/api/v1/clients", has_problematic_apps="true")) == ["MID"]
    assert prefixes(get("/api/v1/clients", has_problematic_apps="false")) == ["BIG", "NIL"]
    assert prefixes(get("/api/v1/clients", problematic_app=str(apps["A"].pk))) == ["MID"]
    assert prefixes(get("/api/v1/clients", problematic_app=str(apps["B"].pk))) == []
    assert prefixes(get("/api/v1/clients", min_project_opportunity="1000")) == ["BIG", "MID"]
    assert prefixes(get("/api/v1/clients", min_project_opportunity="1000.01")) == ["BIG"]
    bad = get("/api/v1/clients", min_project_opportunity="lots")
    assert bad.status_code == 422 and "min_project_opportunity" in bad.json()["errors"]
    assert get("/api/v1/clients", has_problematic_apps="maybe").status_code == 422
    assert get("/api/v1/clients", order="-nonsense").status_code == 422
    # Paging keeps the order across pages (the keyset cursor holds the opportunity).
    first = get("/api/v1/clients", order="-project_opportunity", limit=2).json()
    rest = get("/api/v1/clients", order="-project_opportunity", limit=2, cursor=first["next"])
    assert [c["prefix"] for c in first["items"]] + prefixes(rest) == ["BIG", "MID", "NIL"]
    # The export takes the same filters.
    export = manager.get("/api/v1/clients/export", has_problematic_apps="true")
    assert export.status_code == 200
    text = b"".join(export.streaming_content).decode("utf-8-sig")
    assert "MID" in text and "BIG" not in text


def test_a_technician_cannot_filter_or_sort_by_money(cast):
    apps = worked_catalog(cast)
    _three(cast, apps)
    tech = Api(cast.technician)
    # The money filter is ignored for them (they see no opportunity), the sort refused.
    assert prefixes(tech.get("/api/v1/clients", min_project_opportunity="1000")) == [
        "BIG",
        "MID",
        "NIL",
    ]
    assert tech.get("/api/v1/clients", order="-project_opportunity").status_code == 422
    assert prefixes(tech.get("/api/v1/clients", has_problematic_apps="true")) == ["MID"]


def test_figures_too_large_to_keep_are_kept_at_the_most_and_the_app_is_saved(cast, manager):
    """Schemathesis found it: an application at the largest price the catalog takes, missing
    from a client with contacts, made a revenue past what the kept figures hold, and the
    catalog's change failed with a 500. The figure is now kept at its most, in the client's
    own row and in its parent's sums."""
    parent = make_client(cast, prefix="BIG")
    child = make_client(cast, prefix="BIGK", parent=parent)
    for i in range(3):
        manager.post(f"/api/v1/clients/{child.pk}/contacts", {"first_name": f"P{i}"})
    most = "999999999999.99"
    made = manager.post(
        "/api/v1/applications",
        {"name": "Dear", "project_value": most, "monthly_price_per_user": most, "baseline": True},
    )
    assert made.status_code == 201, made.content
    seen = manager.get(f"/api/v1/clients/{child.pk}").json()["opportunity"]
    assert seen["revenue"] == most and seen["project"] == most, seen
    assert kept(parent).sub_revenue == kept(parent).sub_project == Decimal(most)
