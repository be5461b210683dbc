"""The clients API of DESIGN §7, through HTTP with real tokens."""

import json
import zoneinfo
from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.utils import timezone

from clientdesk.clients import queries
from clientdesk.clients.models import Client, Industry, Tag
from clientdesk.clients.services import client_delete, client_set_archived
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create, contact_delete
from clientdesk.core.models import DEFAULT_SLA, MembershipClient
from clientdesk.integrations.services import api_token_create
from tests.clients.factories import make_client


class Api:
    """A JSON client acting with one membership's token."""

    def __init__(self, membership):
        _t, raw = api_token_create(membership=membership, name="Test", actor=membership.user)
        self.http = HttpClient(headers={"authorization": f"Bearer {raw}"})

    def get(self, url, **params):
        return self.http.get(url, params)

    def post(self, url, body=None):
        return self.http.post(url, json.dumps(body or {}), content_type="application/json")

    def patch(self, url, body):
        return self.http.patch(url, json.dumps(body), content_type="application/json")

    def delete(self, url):
        return self.http.delete(url)


@pytest.fixture
def api(cast):
    return Api


@pytest.fixture
def manager(cast):
    return Api(cast.manager)


def url(client, tail=""):
    return f"/api/v1/clients/{client.pk if hasattr(client, 'pk') else client}{tail}"


def ids(response):
    assert response.status_code == 200, response.content
    return [c["id"] for c in response.json()["items"]]


def assert_refused(response, field, status=422):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"] and body["errors"].get(field), body
    return " ".join(body["errors"][field])


# Create -----------------------------------------------------------------------------------


def test_create_answers_201_with_the_whole_client(cast, manager):
    response = manager.post(
        "/api/v1/clients",
        {
            "prefix": "bpm",
            "name": "Blue Peak Media",
            "description": "Design studio",
            "industry": "legal",
            "manager_email": cast.manager.user.email.upper(),
            "license": "L-1",
            "billing": {"email": "ap@bpm.example", "payment_terms": "30 days"},
            "tags": ["vip", "North"],
            "primary_contact": {"first_name": "Ana", "email": "ana@bpm.example"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    client = Client.objects.get(pk=body["id"])
    assert body == {
        "id": client.pk,
        "prefix": "BPM",
        "name": "Blue Peak Media",
        "description": "Design studio",
        "status": "active",
        "engagement": "silent",
        "industry": "Legal",
        "parent_id": None,
        "manager_email": cast.manager.user.email,
        "license": "L-1",
        "email_domains": [],
        "billing": {
            "email": "ap@bpm.example",
            "address": "",
            "tax_id": "",
            "payment_terms": "30 days",
            "currency": "EUR",
        },
        "sla": [
            {
                "kind": kind,
                "priority": priority,
                "response_minutes": times["response_minutes"],
                "resolution_minutes": times["resolution_minutes"],
            }
            for kind in ("request", "job")
            for priority, times in DEFAULT_SLA.items()
        ],
        "tags": ["North", "vip"],
        "created_at": body["created_at"],
        "activated_at": body["activated_at"],
        "archived": False,
        "version": 1,
        "counts": {
            "devices": 0,
            "devices_with_subclients": 0,
            "device_types": {"standard": 0, "advanced": 0, "passive": 0},
            "device_types_with_subclients": {"standard": 0, "advanced": 0, "passive": 0},
            "contacts": 1,  # the primary contact
            "contacts_with_subclients": 1,
            "contacts_in_agreement": 0,
            "contacts_out_of_agreement": 1,
        },
        # The starter catalog's baseline for a legal firm (software.services.STARTER_CATALOG),
        # one contact: 66.00 a user and month × 1 × 12.
        "opportunity": {
            "missing_apps": [
                "Cloud backup",
                "Email security",
                "Endpoint protection",
                "Microsoft 365",
                "Password manager",
                "Practice management",
            ],
            "problematic_apps": [],
            "project": "6100.00",
            "revenue": "792.00",
        },
    }
    assert body["activated_at"] is not None


def test_create_takes_a_first_status_with_a_past_time_and_an_industry_id(cast, manager):
    since = timezone.now() - timedelta(days=40)
    legal = Industry.objects.get(account=cast.account, name="Legal")
    response = manager.post(
        "/api/v1/clients",
        {
            "prefix": "OLD",
            "name": "Old Friend",
            "status": "prospect",
            "status_since": since.isoformat(),
            "engagement": "engaged",
            "industry": legal.pk,
            "primary_contact": {"first_name": "Bo", "email": "bo@old.example"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    # Engaged sends the invitation at once: the client has access_sent until it is accepted.
    assert (body["status"], body["engagement"], body["industry"]) == (
        "prospect",
        "access_sent",
        "Legal",
    )
    assert body["activated_at"] is None
    [row] = manager.get(url(body["id"], "/history")).json()["items"]
    assert row["from_status"] is None and row["to_status"] == "prospect"
    assert row["at"].startswith(since.date().isoformat())


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"prefix": "acme1"}, "prefix", "already uses"),  # another case of ACME1
        ({"prefix": "A"}, "prefix", "2–10 characters"),
        ({"prefix": "BPM-1"}, "prefix", "2–10 characters"),
        ({"name": "   "}, "name", "blank"),
        ({"status": "at_risk"}, "status", "lead"),
        ({"engagement": "access_sent"}, "engagement", "silent"),
        ({"industry": "Astrology"}, "industry", "Astrology"),
        ({"manager_email": "nobody@example.com"}, "manager_email", "nobody@example.com"),
        ({"billing": {"email": "not-an-email"}}, "billing.email", "valid email"),
        ({"billing": {"currency": "euro"}}, "billing.currency", "ISO 4217"),
        ({"engagement": "engaged"}, "primary_contact.email", "invitation"),
        ({"primary_contact": {"first_name": "A", "email": "x@"}}, "primary_contact.email", "valid"),
        ({"primary_contact": {"email": "a@b.example"}}, "primary_contact.first_name", "required"),
        ({"parent_id": 999999}, "parent_id", "999999"),
        ({"colour": "red"}, "colour", "not permitted"),
        ({"name": "a\x00b"}, "name", "NUL"),
        ({"tags": ["ok", "a\x00b"]}, "tags", "NUL"),
        ({"parent_id": 2**64}, "parent_id", "less than"),
        ({"status_since": "2999-01-01T00:00:00Z"}, "status_since", "future"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(cast, manager, body, field, words):
    make_client(cast, prefix="ACME1")
    response = manager.post("/api/v1/clients", {"prefix": "NEW", "name": "New"} | body)
    assert words in assert_refused(response, field)
    assert not Client.objects.filter(prefix="NEW").exists()


def test_the_same_prefix_in_another_account_is_fine(cast, manager, api):
    make_client(cast.other_account, prefix="BPM")
    assert manager.post("/api/v1/clients", {"prefix": "bpm", "name": "B"}).status_code == 201


def test_a_prefix_can_be_reused_after_a_rename(cast, manager):
    old = make_client(cast, prefix="BPM")
    assert manager.patch(url(old), {"version": 1, "prefix": "BPX"}).status_code == 200
    assert manager.post("/api/v1/clients", {"prefix": "BPM", "name": "B"}).status_code == 201


# The primary contact ---------------------------------------------------------------------


def test_the_primary_contact_is_stored_with_the_client(cast, manager):
    response = manager.post(
        "/api/v1/clients",
        {
            "prefix": "BPM",
            "name": "Blue Peak Media",
            "engagement": "engaged",
            "primary_contact": {
                "first_name": "Ana",
                "last_name": "Lopez",
                "email": "Ana@BPM.example",
                "phone": "+34 600",
            },
        },
    )
    assert response.status_code == 201, response.content
    [contact] = manager.get(url(response.json()["id"], "/contacts")).json()["items"]
    assert (contact["first_name"], contact["last_name"], contact["email"], contact["phone"]) == (
        "Ana",
        "Lopez",
        "ana@bpm.example",
        "+34 600",
    )
    assert contact["is_primary"] is True and contact["portal"] == "invited"


def test_a_primary_contact_without_email_is_still_the_primary(cast, manager):
    response = manager.post(
        "/api/v1/clients", {"prefix": "BPM", "name": "B", "primary_contact": {"first_name": "Bo"}}
    )
    [contact] = manager.get(url(response.json()["id"], "/contacts")).json()["items"]
    assert contact["is_primary"] is True and contact["email"] == ""


@pytest.mark.parametrize(
    "contact, field, words",
    [
        ({"first_name": "   "}, "primary_contact.first_name", "blank"),
        ({"first_name": "x" * 90}, "primary_contact.first_name", "at most 80"),
    ],
)
def test_a_primary_contact_the_rules_refuse_leaves_no_client(cast, manager, contact, field, words):
    body = {"prefix": "NEW", "name": "New", "tags": ["fresh"], "primary_contact": contact}
    assert words in assert_refused(manager.post("/api/v1/clients", body), field)
    assert not Client.objects.filter(prefix="NEW").exists()
    assert not Contact.objects.exists()
    assert not Tag.objects.filter(name="fresh").exists()


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_only_managers_and_above_create(cast, api, role):
    response = api(cast.member(role)).post("/api/v1/clients", {"prefix": "NO", "name": "No"})
    assert response.status_code == 403
    assert not Client.objects.filter(prefix="NO").exists()


# Read -------------------------------------------------------------------------------------


def test_technicians_and_viewers_see_no_money(cast, api):
    client = make_client(cast, prefix="BPM", billing_email="ap@bpm.example", tax_id="X1")
    for role in ("technician", "viewer"):
        member = api(cast.member(role))
        for body in (
            member.get(url(client)).json(),
            member.get("/api/v1/clients").json()["items"][0],
        ):
            assert body["billing"] is None
            assert body["opportunity"]["project"] is None and body["opportunity"]["revenue"] is None
            assert "ap@bpm.example" not in json.dumps(body)
    assert api(cast.manager).get(url(client)).json()["billing"]["tax_id"] == "X1"


def test_another_account_gets_404_on_every_client_url(cast, api):
    client = make_client(cast, prefix="VIC")
    outsider = api(cast.outsider)
    assert ids(outsider.get("/api/v1/clients")) == []
    answers = [
        outsider.get(url(client)),
        outsider.get(url(client, "/history")),
        outsider.patch(url(client), {"version": 1, "name": "Mine"}),
        outsider.delete(url(client)),
        outsider.post(url(client, "/status"), {"status": "at_risk"}),
        outsider.post(url(client, "/status")),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers)
    assert answers[0].json() == {"detail": "Not found.", "errors": {}}
    client.refresh_from_db()
    assert (client.status, client.deleted_at, client.version) == ("active", None, 1)


def test_missing_and_deleted_clients_are_404_like_foreign_ones(cast, manager):
    client = make_client(cast, prefix="GONE")
    assert manager.delete(url(client)).status_code == 204
    for response in (
        manager.get(url(client)),
        manager.get(url(client, "/history")),
        manager.patch(url(client), {"version": 2, "name": "Back"}),
        manager.delete(url(client)),
        manager.post(url(client, "/status"), {"status": "at_risk"}),
        manager.get(url(999999)),
    ):
        assert response.status_code == 404
    assert ids(manager.get("/api/v1/clients")) == []


def test_a_restricted_member_sees_only_the_allowed_clients(cast, api):
    allowed = make_client(cast, prefix="ALW")
    child = make_client(cast, prefix="KID", parent=allowed)
    other = make_client(cast, prefix="OTH")
    member = cast.technician
    member.client_access = "allow"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=allowed)
    tech = api(member)
    assert set(ids(tech.get("/api/v1/clients"))) == {allowed.pk, child.pk}
    assert ids(tech.get("/api/v1/clients", q="OTH")) == []
    assert tech.get(url(allowed)).status_code == 200
    assert tech.get(url(child)).status_code == 200
    assert tech.get(url(other)).status_code == 404
    assert tech.get(url(other, "/history")).status_code == 404
    assert tech.post(url(other, "/status"), {"status": "at_risk"}).status_code == 404


def test_listing_below_a_hidden_parent_confirms_nothing(cast, api):
    hidden = make_client(cast, prefix="TOP")
    allowed = make_client(cast, prefix="ALW", parent=hidden)
    make_client(cast, prefix="KID", parent=allowed)
    member = cast.technician
    member.client_access = "allow"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=allowed)
    tech = api(member)
    # The same empty answer as for an id that does not exist: TOP's id stays unconfirmed.
    assert ids(tech.get("/api/v1/clients", parent=hidden.pk)) == []
    assert ids(tech.get("/api/v1/clients", parent=999999)) == []
    assert tech.get(url(allowed)).json()["parent_id"] is None
    assert [
        c["prefix"] for c in tech.get("/api/v1/clients", parent=allowed.pk).json()["items"]
    ] == ["KID"]


def test_an_id_or_name_filter_takes_any_text_without_an_error(cast, manager):
    make_client(cast, tags=["vip"])
    for value in ["²", "1" * 23, str(2**64), "9" * 5000, "-1", "0"]:
        assert ids(manager.get("/api/v1/clients", industry=value)) == []
        assert ids(manager.get("/api/v1/clients", tag=value)) == []


def test_a_restricted_manager_cannot_put_a_client_under_one_it_cannot_see(cast, api):
    allowed, hidden = make_client(cast, prefix="ALW"), make_client(cast, prefix="HID")
    member = cast.manager
    member.client_access = "deny"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=hidden)
    response = api(member).patch(url(allowed), {"version": 1, "parent_id": hidden.pk})
    assert_refused(response, "parent_id")


def test_history_is_oldest_first_with_who_and_why(cast, manager):
    client = make_client(cast, prefix="HIS", status="lead")
    manager.post(url(client, "/status"), {"status": "prospect", "reason": "Called back"})
    body = manager.get(url(client, "/history")).json()
    assert [(r["from_status"], r["to_status"]) for r in body["items"]] == [
        (None, "lead"),
        ("lead", "prospect"),
    ]
    assert body["items"][0]["by"] is None
    assert body["items"][1]["by"] == cast.manager.user.email
    assert body["items"][1]["reason"] == "Called back"


# Edit -------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(cast, manager):
    parent = make_client(cast, prefix="PAR")
    client = make_client(cast, prefix="BPM", name="Blue", billing_email="a@b.example", tax_id="T")
    response = manager.patch(
        url(client),
        {
            "version": 1,
            "name": "Blue Peak",
            "parent_id": parent.pk,
            "industry": "Retail",
            "billing": {"tax_id": "T2"},
            "tags": ["one"],
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["name"], body["prefix"], body["parent_id"], body["industry"]) == (
        "Blue Peak",
        "BPM",
        parent.pk,
        "Retail",
    )
    assert body["billing"]["email"] == "a@b.example" and body["billing"]["tax_id"] == "T2"
    assert body["tags"] == ["one"]
    assert body["version"] > 1
    moved = manager.patch(url(client), {"version": body["version"], "parent_id": None})
    assert moved.json()["parent_id"] is None


def test_a_stale_version_is_a_409_with_the_current_client(cast, manager):
    client = make_client(cast, prefix="BPM", name="Blue")
    assert manager.patch(url(client), {"version": 1, "name": "Mine"}).status_code == 200
    response = manager.patch(url(client), {"version": 1, "name": "Theirs"})
    assert "version 2" in assert_refused(response, "version", status=409)
    assert response.json()["current"]["name"] == "Mine"
    assert response.json()["current"]["version"] == 2
    client.refresh_from_db()
    assert client.name == "Mine"


def test_a_stale_version_changes_nothing_even_the_tags(cast, manager):
    client = make_client(cast, prefix="BPM", tags=["keep"])
    manager.patch(url(client), {"version": 1, "name": "Mine"})
    response = manager.patch(url(client), {"version": 1, "tags": ["lost"]})
    assert response.status_code == 409
    assert response.json()["current"]["tags"] == ["keep"]


@pytest.mark.parametrize(
    "body, field",
    [
        ({"name": "No version"}, "version"),
        ({"version": 1, "status": "inactive"}, "status"),
        ({"version": 1, "engagement": "engaged"}, "engagement"),
        ({"version": 1, "prefix": "x"}, "prefix"),
        ({"version": 1, "name": ""}, "name"),
        ({"version": 1, "name": None}, "name"),
        ({"version": 1, "billing": {"email": "nope"}}, "billing.email"),
        ({"version": 1, "billing": {"iban": "x"}}, "billing.iban"),
    ],
)
def test_patch_refuses_bad_and_unknown_fields(cast, manager, body, field):
    client = make_client(cast, prefix="BPM")
    assert_refused(manager.patch(url(client), body), field)


def test_a_cycle_in_the_tree_is_refused_naming_parent_id(cast, manager):
    top = make_client(cast, prefix="TOP")
    mid = make_client(cast, prefix="MID", parent=top)
    low = make_client(cast, prefix="LOW", parent=mid)
    words = assert_refused(
        manager.patch(url(top), {"version": 1, "parent_id": low.pk}), "parent_id"
    )
    assert "sub-clients" in words
    assert_refused(manager.patch(url(top), {"version": 1, "parent_id": top.pk}), "parent_id")
    top.refresh_from_db()
    assert top.parent_id is None


@pytest.mark.parametrize("role", ["technician", "viewer"])
def test_only_managers_and_above_edit_delete_or_change_status(cast, api, role):
    client = make_client(cast, prefix="BPM")
    member = api(cast.member(role))
    assert member.patch(url(client), {"version": 1, "name": "X"}).status_code == 403
    assert member.delete(url(client)).status_code == 403
    assert member.post(url(client, "/status"), {"status": "at_risk"}).status_code == 403
    client.refresh_from_db()
    assert (client.status, client.deleted_at, client.version) == ("active", None, 1)


def test_delete_is_soft_and_refused_while_sub_clients_live(cast, manager):
    parent = make_client(cast, prefix="PAR")
    child = make_client(cast, prefix="KID", parent=parent)
    response = manager.delete(url(parent))
    assert response.status_code == 409 and "sub-clients" in response.json()["detail"]
    assert manager.delete(url(child)).status_code == 204
    assert manager.delete(url(parent)).status_code == 204
    assert Client.objects.filter(pk=parent.pk).exclude(deleted_at=None).exists()


# Status -----------------------------------------------------------------------------------


def test_a_status_change_answers_the_client_and_adds_history(cast, manager):
    client = make_client(cast, prefix="BPM")
    response = manager.post(url(client, "/status"), {"status": "at_risk", "reason": "Slow"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["version"]) == ("at_risk", 2)
    assert len(manager.get(url(client, "/history")).json()["items"]) == 2


def test_a_disallowed_status_change_names_the_allowed_ones(cast, manager):
    client = make_client(cast, prefix="BPM", status="lead")
    words = assert_refused(
        manager.post(url(client, "/status"), {"status": "offboarding"}), "status"
    )
    assert "Prospect" in words and "Inactive" in words
    assert_refused(manager.post(url(client, "/status"), {"status": "gone"}), "status")
    assert_refused(manager.post(url(client, "/status"), {}), "status")
    client.refresh_from_db()
    assert client.status == "lead"


def test_a_future_or_out_of_order_at_is_refused_naming_at(cast, manager):
    now = timezone.now()
    client = make_client(cast, prefix="BPM", status="lead", status_since=now - timedelta(days=10))
    future = manager.post(
        url(client, "/status"), {"status": "prospect", "at": (now + timedelta(days=1)).isoformat()}
    )
    assert "future" in assert_refused(future, "at")
    earlier = manager.post(
        url(client, "/status"), {"status": "prospect", "at": (now - timedelta(days=11)).isoformat()}
    )
    assert "before" in assert_refused(earlier, "at")
    past = manager.post(
        url(client, "/status"), {"status": "prospect", "at": (now - timedelta(days=5)).isoformat()}
    )
    assert past.status_code == 200
    assert len(manager.get(url(client, "/history")).json()["items"]) == 2


def test_a_time_without_a_zone_is_read_in_the_accounts_zone(cast, manager):
    cast.account.time_zone = "America/New_York"
    cast.account.save()
    client = make_client(
        cast, prefix="BPM", status="lead", status_since=timezone.now() - timedelta(days=400)
    )
    naive = (timezone.now() - timedelta(days=30)).replace(tzinfo=None, microsecond=0)
    response = manager.post(url(client, "/status"), {"status": "prospect", "at": naive.isoformat()})
    assert response.status_code == 200, response.content
    row = manager.get(url(client, "/history")).json()["items"][-1]
    expected = timezone.make_aware(naive, zoneinfo.ZoneInfo("America/New_York"))
    assert datetime.fromisoformat(row["at"].replace("Z", "+00:00")) == expected


# List -------------------------------------------------------------------------------------


def test_240_clients_come_back_over_the_cursor_exactly_once(cast, manager):
    made = {make_client(cast, name=f"Same name {i % 7}").pk for i in range(240)}
    for order in ("name", "-status"):
        seen, cursor, pages = [], None, 0
        while True:
            params = {"limit": 50, "order": order} | ({"cursor": cursor} if cursor else {})
            body = manager.get("/api/v1/clients", **params).json()
            seen += [c["id"] for c in body["items"]]
            cursor, pages = body["next"], pages + 1
            if cursor is None:
                break
        assert pages == 5
        assert len(seen) == len(set(seen)) == 240 and set(seen) == made


@pytest.mark.parametrize("sort", list(queries.SORTS))
def test_every_order_sorts_both_ways_over_pages(cast, manager, sort):
    legal = Industry.objects.get(account=cast.account, name="Legal")
    for i, status in enumerate(["lead", "active", "prospect", "waiting", "invited"]):
        make_client(
            cast,
            prefix=f"P{5 - i}X",
            name=f"Name {i}",
            status=status,
            industry=legal if i % 2 else None,
            manager=cast.manager.user if i % 3 else None,
        )

    def walk(order):
        first = manager.get("/api/v1/clients", order=order, limit=3)
        rest = manager.get("/api/v1/clients", order=order, limit=3, cursor=first.json()["next"])
        return ids(first) + ids(rest)

    ascending = walk(sort)
    assert len(set(ascending)) == 5
    assert walk(f"-{sort}") == list(reversed(ascending))
    expected = {
        "name": ["Name 0", "Name 1", "Name 2", "Name 3", "Name 4"],
        "prefix": ["Name 4", "Name 3", "Name 2", "Name 1", "Name 0"],
        "status": ["Name 0", "Name 2", "Name 4", "Name 3", "Name 1"],
    }.get(sort)
    if expected:
        names = {c.pk: c.name for c in Client.objects.all()}
        assert [names[pk] for pk in ascending] == expected


def test_the_status_filter_is_exact_and_takes_a_list(cast, manager):
    lead = make_client(cast, status="lead")
    prospect = make_client(cast, status="prospect")
    make_client(cast, status="active")
    assert ids(manager.get("/api/v1/clients", status="lead")) == [lead.pk]
    assert set(ids(manager.get("/api/v1/clients", status="lead,prospect"))) == {
        lead.pk,
        prospect.pk,
    }
    repeated = manager.http.get("/api/v1/clients?status=lead&status=prospect")
    assert set(ids(repeated)) == {lead.pk, prospect.pk}
    assert_refused(manager.get("/api/v1/clients", status="lead,zombie"), "status")


def test_q_industry_parent_and_archived_filter_exactly(cast, manager):
    legal = Industry.objects.get(account=cast.account, name="Legal")
    retail = Industry.objects.get(account=cast.account, name="Retail")
    blue = make_client(cast, prefix="BPM", name="Blue Peak Media", industry=legal)
    kid = make_client(cast, prefix="KID", name="Blue Kid", parent=blue, industry=retail)
    make_client(cast, prefix="ZZZ", name="Other", parent=kid)
    old = make_client(cast, prefix="OLD", name="Old Blue")
    client_set_archived(client=old, actor=None, archived=True)
    assert set(ids(manager.get("/api/v1/clients", q="blue"))) == {blue.pk, kid.pk}
    assert ids(manager.get("/api/v1/clients", q="bpm")) == [blue.pk]
    assert ids(manager.get("/api/v1/clients", industry="legal")) == [blue.pk]
    assert ids(manager.get("/api/v1/clients", industry=str(retail.pk))) == [kid.pk]
    assert ids(manager.get("/api/v1/clients", industry="Astrology")) == []
    assert ids(manager.get("/api/v1/clients", parent=blue.pk)) == [kid.pk]
    assert ids(manager.get("/api/v1/clients", archived="true")) == [old.pk]
    assert ids(manager.get("/api/v1/clients", archived="true", q="peak")) == []
    assert old.pk not in ids(manager.get("/api/v1/clients"))


def test_engagement_manager_and_tag_filter_exactly(cast, manager):
    mine = make_client(cast, manager=cast.manager.user, tags=["vip"], engagement="engaged")
    make_client(cast, manager=cast.admin.user, tags=["other"])
    assert ids(manager.get("/api/v1/clients", engagement="engaged")) == [mine.pk]
    assert ids(manager.get("/api/v1/clients", manager=cast.manager.user.email)) == [mine.pk]
    assert ids(manager.get("/api/v1/clients", manager="nobody@example.com")) == []
    assert ids(manager.get("/api/v1/clients", tag="VIP")) == [mine.pk]


@pytest.mark.parametrize(
    "params, status, field",
    [
        ({"cursor": "not-base64!"}, 400, "cursor"),
        ({"order": "status", "cursor": "WyJhYmMiLDFd"}, 400, "cursor"),  # ["abc",1] from name
        ({"order": "created", "cursor": "WyJhYmMiLDFd"}, 400, "cursor"),
        ({"order": "colour"}, 422, "order"),
        ({"limit": 0}, 422, "limit"),
        ({"limit": 201}, 422, "limit"),
        ({"parent": "x"}, 422, "parent"),
        ({"parent": 2**64}, 422, "parent"),
        ({"q": "a\x00b"}, 422, "q"),
        ({"manager": "a\x00b"}, 422, "manager"),
    ],
)
def test_bad_list_parameters_are_refused_naming_them(cast, manager, params, status, field):
    make_client(cast)
    assert_refused(manager.get("/api/v1/clients", **params), field, status=status)


def test_the_list_costs_the_same_queries_whatever_its_length(
    cast, manager, django_assert_num_queries
):
    for i in range(30):
        make_client(cast, manager=cast.manager.user, tags=[f"t{i % 3}"])
    manager.get("/api/v1/account")  # the first use records last_used_at: one write
    # token, membership, one page (industry, manager, parent joined), the page's tags, the
    # page's own contact counts, one query per tree level below the page (here: one, finding
    # no sub-clients), the same two for the device counts, the page's own SLA times, and its
    # contacts in and out of agreement, and the opportunity (the catalog, its baseline
    # industries, the page's stacks and counted contacts)
    with django_assert_num_queries(14):
        assert len(ids(manager.get("/api/v1/clients", limit=2))) == 2
    with django_assert_num_queries(14):
        assert len(ids(manager.get("/api/v1/clients", limit=30, order="-industry"))) == 30


# Contact counts ---------------------------------------------------------------------------


def _tree_with_contacts(cast):
    """ROOT (2 counted of 4) > KID (1, archived) > GRAND (3); GONE is a deleted sub-client."""
    root = make_client(cast, prefix="ROOT")
    kid = make_client(cast, prefix="KID", parent=root)
    grand = make_client(cast, prefix="GRAND", parent=kid)
    gone = make_client(cast, prefix="GONE", parent=root)
    add = contact_create
    add(client=root, actor=None, first_name="A", email="a@root.example")
    add(client=root, actor=None, first_name="B")
    add(client=root, actor=None, first_name="Left", active=False)  # not counted
    dropped = add(client=root, actor=None, first_name="Dropped")
    contact_delete(contact=dropped, actor=None)  # not counted
    add(client=kid, actor=None, first_name="K")
    for name in ("G1", "G2", "G3"):
        add(client=grand, actor=None, first_name=name)
    add(client=gone, actor=None, first_name="Ghost")
    client_delete(client=gone, actor=None)
    client_set_archived(client=kid, actor=None, archived=True)
    return root, kid, grand


def _contact_counts(body):
    return {k: v for k, v in body["counts"].items() if k.startswith("contacts")}


def test_contact_counts_cover_sub_clients_at_any_depth(cast, manager):
    root, kid, grand = _tree_with_contacts(cast)
    expected = {
        root.pk: (2, 6),
        kid.pk: (1, 4),
        grand.pk: (3, 3),
    }
    listed = {c["id"]: c for c in manager.get("/api/v1/clients", archived="false").json()["items"]}
    listed |= {c["id"]: c for c in manager.get("/api/v1/clients", archived="true").json()["items"]}
    for pk, (own, with_subclients) in expected.items():
        counts = _contact_counts(manager.get(url(pk)).json())
        assert counts == {
            "contacts": own,
            "contacts_with_subclients": with_subclients,
            # No agreements yet: every contact is out of agreement.
            "contacts_in_agreement": 0,
            "contacts_out_of_agreement": own,
        }, pk
        assert _contact_counts(listed[pk]) == counts, pk


def test_contact_counts_leave_out_sub_clients_a_member_cannot_see(cast, api):
    root, _kid, grand = _tree_with_contacts(cast)
    member = cast.technician
    member.client_access = "deny"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=grand)
    tech = api(member)
    assert _contact_counts(tech.get(url(root)).json())["contacts_with_subclients"] == 3
    [listed] = tech.get("/api/v1/clients", q="ROOT").json()["items"]
    assert _contact_counts(listed)["contacts_with_subclients"] == 3


def test_the_list_costs_the_same_queries_with_a_deep_tree_of_contacts(
    cast, manager, django_assert_num_queries
):
    parent = None
    for i in range(12):
        parent = make_client(cast, prefix=f"D{i:02d}", parent=parent)
        contact_create(client=parent, actor=None, first_name=f"P{i}")
    manager.get("/api/v1/account")
    # One query per level of the tree below the page's rows, whatever the number of rows:
    # two rows at the top of a 12-deep chain read 11 levels; all twelve read just one. The
    # contact counts and the device counts each walk the levels (and read the rows' own); the
    # opportunity reads four more, whatever the rows.
    for limit, levels in ((2, 11), (12, 1)):
        with django_assert_num_queries(12 + 2 * levels):
            body = manager.get("/api/v1/clients", limit=limit, order="prefix").json()
    assert body["items"][0]["counts"]["contacts_with_subclients"] == 12
    assert body["items"][-1]["counts"]["contacts_with_subclients"] == 1


# Schema -----------------------------------------------------------------------------------


def test_openapi_declares_the_clients_endpoints_and_their_errors(db):
    document = HttpClient().get("/api/v1/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert set(paths["/api/v1/clients"]) == {"get", "post"}
    assert set(paths["/api/v1/clients/{client_id}"]) == {"get", "patch", "delete"}
    for path, method in [
        ("/api/v1/clients", "post"),
        ("/api/v1/clients/{client_id}", "patch"),
        ("/api/v1/clients/{client_id}", "delete"),
        ("/api/v1/clients/{client_id}/status", "post"),
    ]:
        assert {"401", "403", "404", "409", "422"} <= set(paths[path][method]["responses"])
    status_op = paths["/api/v1/clients/{client_id}/status"]["post"]
    body = status_op["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/StatusIn"}
    assert "status" in schemas["StatusIn"]["required"]
    assert {"401", "404"} <= set(paths["/api/v1/clients/{client_id}/history"]["get"]["responses"])
