"""The contacts API of DESIGN §7, through HTTP with real tokens."""

import pytest
from django.test import Client as HttpClient

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.core.models import MembershipClient
from tests.api.test_clients_api import Api, assert_refused
from tests.clients.factories import make_client


@pytest.fixture
def tech(cast):
    return Api(cast.technician)


@pytest.fixture
def bpm(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def contacts_url(client):
    return f"/api/v1/clients/{client.pk if hasattr(client, 'pk') else client}/contacts"


def contact_url(contact):
    return f"/api/v1/contacts/{contact.pk if hasattr(contact, 'pk') else contact}"


def add(client, first="Ana", email="", **fields):
    return contact_create(client=client, actor=None, first_name=first, email=email, **fields)


def names(response):
    assert response.status_code == 200, response.content
    return [c["first_name"] for c in response.json()["items"]]


def live(client):
    return Contact.objects.filter(client=client, deleted_at=None)


# Create and read --------------------------------------------------------------------------


def test_create_answers_201_with_the_whole_contact(cast, tech, bpm):
    response = tech.post(
        contacts_url(bpm),
        {
            "first_name": " Ana ",
            "last_name": "Lopez",
            "email": "Ana@BPM.example",
            "phone": "+34 600 000 000",
            "mobile": "+34 611 111 111",
            "title": "CTO",
            "notes": "Prefers mornings",
            "address": {"street": "1 Main St", "city": "Madrid", "country": "Spain"},
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    contact = Contact.objects.get(pk=body["id"])
    assert body == {
        "id": contact.pk,
        "client_id": bpm.pk,
        "first_name": "Ana",
        "last_name": "Lopez",
        "email": "ana@bpm.example",
        "phone": "+34 600 000 000",
        "mobile": "+34 611 111 111",
        "title": "CTO",
        "notes": "Prefers mornings",
        "is_primary": True,  # the client's first contact with an email
        "is_secondary": False,
        "active": True,
        "address": {
            "street": "1 Main St",
            "city": "Madrid",
            "region": "",
            "postcode": "",
            "country": "Spain",
        },
        "portal": "none",
        "source": "manual",
        "version": 1,
    }
    assert tech.get(contact_url(contact)).json() == body


def test_list_searches_name_and_email_and_sorts_both_ways(cast, tech, bpm):
    add(bpm, "Ana", "ana@bpm.example", last_name="Lopez")
    add(bpm, "Bo", "bo@mail.example", last_name="Zed", title="Accountant")
    add(bpm, "Cy", "", last_name="Moss", title="Boss")
    add(make_client(cast, prefix="OTH"), "Dee", "dee@bpm.example")  # another client's
    assert names(tech.get(contacts_url(bpm))) == ["Ana", "Cy", "Bo"]  # by last name
    assert names(tech.get(contacts_url(bpm), order="-name")) == ["Bo", "Cy", "Ana"]
    assert names(tech.get(contacts_url(bpm), order="first_name")) == ["Ana", "Bo", "Cy"]
    assert names(tech.get(contacts_url(bpm), order="-title")) == ["Cy", "Bo", "Ana"]
    assert names(tech.get(contacts_url(bpm), order="role")) == ["Ana", "Bo", "Cy"]
    assert names(tech.get(contacts_url(bpm), q="bpm.example")) == ["Ana"]
    assert names(tech.get(contacts_url(bpm), q="MOSS")) == ["Cy"]
    assert names(tech.get(contacts_url(bpm), q="bo zed")) == ["Bo"]
    assert names(tech.get(contacts_url(bpm), q="bo lopez")) == []


def test_75_contacts_come_back_over_the_cursor_exactly_once(cast, tech, bpm):
    for i in range(75):
        add(bpm, f"P{i:02d}", f"p{i}@bpm.example", last_name="Same" if i % 2 else f"L{i % 7}")
    for order in ("name", "-name", "email", "-role", "created"):
        seen, cursor = [], None
        while True:
            params = {"limit": 20, "order": order} | ({"cursor": cursor} if cursor else {})
            body = tech.get(contacts_url(bpm), **params).json()
            seen += [c["id"] for c in body["items"]]
            cursor = body["next"]
            if not cursor:
                break
        assert len(seen) == len(set(seen)) == 75, order


@pytest.mark.parametrize(
    "params, status, field",
    [
        ({"order": "shoe_size"}, 422, "order"),
        ({"limit": 0}, 422, "limit"),
        ({"cursor": "garbage!"}, 400, "cursor"),
        ({"q": "a\x00b"}, 422, "q"),
    ],
)
def test_bad_list_parameters_are_refused_naming_them(cast, tech, bpm, params, status, field):
    add(bpm)
    assert_refused(tech.get(contacts_url(bpm), **params), field, status=status)


def test_a_cursor_of_another_order_is_refused(cast, tech, bpm):
    for i in range(3):
        add(bpm, f"P{i}")
    cursor = tech.get(contacts_url(bpm), limit=1).json()["next"]
    assert_refused(
        tech.get(contacts_url(bpm), limit=1, order="email", cursor=cursor), "cursor", 400
    )


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"email": "ana@"}, "email", "valid email"),
        ({"email": "ANA@bpm.EXAMPLE"}, "email", "already uses"),  # another case of Ana's
        ({"first_name": "  "}, "first_name", "blank"),
        ({"first_name": "x" * 81}, "first_name", "at most 80"),
        ({"address": {"postcode": "1" * 21}}, "address.postcode", "at most 20"),
        ({"is_primary": True, "is_secondary": True}, "is_secondary", "primary"),
        ({"source": "carrier pigeon"}, "source", "manual"),
        ({"colour": "red"}, "colour", "not permitted"),
        ({"notes": "a\x00b"}, "notes", "NUL"),
    ],
)
def test_create_refuses_bad_input_naming_the_field(cast, tech, bpm, body, field, words):
    add(bpm, "Ana", "ana@bpm.example")
    response = tech.post(contacts_url(bpm), {"first_name": "New"} | body)
    assert words in assert_refused(response, field)
    assert live(bpm).count() == 1


def test_create_without_a_body_is_refused_naming_first_name(cast, tech, bpm):
    assert_refused(tech.post(contacts_url(bpm)), "first_name")


# Primary and secondary --------------------------------------------------------------------


def test_after_a_second_primary_is_set_there_is_exactly_one(cast, tech, bpm):
    ana = tech.post(contacts_url(bpm), {"first_name": "Ana", "email": "ana@bpm.example"}).json()
    bo = tech.post(contacts_url(bpm), {"first_name": "Bo", "is_primary": True}).json()
    assert bo["is_primary"] is True
    cy = tech.post(contacts_url(bpm), {"first_name": "Cy"}).json()
    response = tech.patch(contact_url(cy["id"]), {"version": cy["version"], "is_primary": True})
    assert response.status_code == 200, response.content
    primaries = [c["id"] for c in tech.get(contacts_url(bpm)).json()["items"] if c["is_primary"]]
    assert primaries == [cy["id"]]
    # The demoted contacts moved on a version: an edit made from the old read is stale.
    assert tech.get(contact_url(ana["id"])).json()["version"] == ana["version"] + 1
    stale = tech.patch(contact_url(bo["id"]), {"version": bo["version"], "title": "x"})
    assert stale.status_code == 409


def test_one_secondary_and_the_primary_cannot_be_unset(cast, tech, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example")
    bo = tech.post(contacts_url(bpm), {"first_name": "Bo", "is_secondary": True}).json()
    cy = tech.post(contacts_url(bpm), {"first_name": "Cy", "is_secondary": True}).json()
    assert tech.get(contact_url(bo["id"])).json()["is_secondary"] is False
    assert cy["is_secondary"] is True
    response = tech.patch(contact_url(ana), {"version": ana.version, "is_primary": False})
    assert "another contact primary" in assert_refused(response, "is_primary")


# Edit -------------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(cast, tech, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example", title="CTO", city="Madrid", country="Spain")
    response = tech.patch(
        contact_url(ana),
        {"version": 1, "last_name": "Lopez", "address": {"city": "Bilbao"}, "active": False},
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["first_name"], body["last_name"], body["title"], body["active"]) == (
        "Ana",
        "Lopez",
        "CTO",
        False,
    )
    assert body["address"]["city"] == "Bilbao" and body["address"]["country"] == "Spain"
    assert body["version"] == 2
    same = tech.patch(contact_url(ana), {"version": 2, "title": "CTO"})
    assert same.json()["version"] == 2  # nothing changed, no new version


def test_a_stale_version_is_a_409_with_the_current_contact(cast, tech, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example")
    assert tech.patch(contact_url(ana), {"version": 1, "title": "CTO"}).status_code == 200
    response = tech.patch(contact_url(ana), {"version": 1, "title": "CEO"})
    assert response.status_code == 409
    body = response.json()
    assert body["errors"]["version"] and body["current"]["title"] == "CTO"
    assert body["current"]["version"] == 2
    assert Contact.objects.get(pk=ana.pk).title == "CTO"


@pytest.mark.parametrize(
    "body, field, words",
    [
        ({"email": "not-an-email"}, "email", "valid email"),
        ({"email": "Bo@BPM.example"}, "email", "already uses"),
        ({"first_name": None}, "first_name", "string"),
        ({"address": {"region": "r" * 101}}, "address.region", "at most 100"),
        ({"title": "t", "colour": "red"}, "colour", "not permitted"),
    ],
)
def test_patch_refuses_bad_input_naming_the_field(cast, tech, bpm, body, field, words):
    ana = add(bpm, "Ana", "ana@bpm.example")
    add(bpm, "Bo", "bo@bpm.example")
    assert words in assert_refused(tech.patch(contact_url(ana), {"version": 1} | body), field)
    assert Contact.objects.get(pk=ana.pk).version == 1


def test_patch_needs_a_version(cast, tech, bpm):
    ana = add(bpm)
    assert_refused(tech.patch(contact_url(ana), {"title": "CTO"}), "version")


# Delete -----------------------------------------------------------------------------------


def test_delete_is_soft_and_the_contact_leaves_every_read(cast, tech, bpm):
    add(bpm, "Ana", "ana@bpm.example")
    bo = add(bpm, "Bo", "bo@bpm.example")
    assert tech.delete(contact_url(bo)).status_code == 204
    assert Contact.objects.get(pk=bo.pk).deleted_at is not None
    assert names(tech.get(contacts_url(bpm))) == ["Ana"]
    for response in (
        tech.get(contact_url(bo)),
        tech.patch(contact_url(bo), {"version": 2, "title": "x"}),
        tech.delete(contact_url(bo)),
    ):
        assert response.status_code == 404
    # Its email is free again.
    again = tech.post(contacts_url(bpm), {"first_name": "Bo", "email": "BO@bpm.example"})
    assert again.status_code == 201


def test_the_primary_cannot_be_deleted_while_others_exist(cast, tech, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example")
    bo = add(bpm, "Bo")
    response = tech.delete(contact_url(ana))
    assert response.status_code == 409
    assert "make another contact primary" in " ".join(response.json()["errors"]["is_primary"])
    assert "Ana" in response.json()["detail"]
    assert tech.delete(contact_url(bo)).status_code == 204
    assert tech.delete(contact_url(ana)).status_code == 204  # the last one may go


# Scope and roles --------------------------------------------------------------------------


def test_another_account_gets_404_on_every_contact_url(cast, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example")
    outsider = Api(cast.outsider)
    answers = [
        outsider.get(contacts_url(bpm)),
        outsider.post(contacts_url(bpm), {"first_name": "Mine"}),
        outsider.post(contacts_url(bpm)),
        outsider.get(contact_url(ana)),
        outsider.patch(contact_url(ana), {"version": 1, "title": "Mine"}),
        outsider.patch(contact_url(ana), {"nonsense": True}),
        outsider.delete(contact_url(ana)),
    ]
    assert [r.status_code for r in answers] == [404] * len(answers)
    assert answers[0].json() == {"detail": "Not found.", "errors": {}}
    ana.refresh_from_db()
    assert (ana.title, ana.version, ana.deleted_at) == ("", 1, None)
    assert live(bpm).count() == 1


def test_missing_ids_and_contacts_of_deleted_clients_are_404(cast, tech, bpm):
    gone = make_client(cast, prefix="GONE")
    bo = add(gone, "Bo", "bo@gone.example")
    assert Api(cast.manager).delete(f"/api/v1/clients/{gone.pk}").status_code == 204
    for response in (
        tech.get(contacts_url(gone)),
        tech.post(contacts_url(gone), {"first_name": "Late"}),
        tech.get(contact_url(bo)),
        tech.patch(contact_url(bo), {"version": 1, "title": "x"}),
        tech.delete(contact_url(bo)),
        tech.get(contact_url(999999)),
        tech.get(contacts_url(999999)),
    ):
        assert response.status_code == 404


def test_an_allow_listed_member_sees_only_contacts_of_its_clients(cast, bpm):
    allowed = make_client(cast, prefix="ALW")
    child = make_client(cast, prefix="KID", parent=allowed)
    mine, kids = add(allowed, "Mine", "m@alw.example"), add(child, "Kid", "k@kid.example")
    hidden = add(bpm, "Hidden", "h@bpm.example")
    member = cast.technician
    member.client_access = "allow"
    member.save()
    MembershipClient.objects.create(account=cast.account, membership=member, client=allowed)
    tech = Api(member)
    assert names(tech.get(contacts_url(allowed))) == ["Mine"]
    assert names(tech.get(contacts_url(child))) == ["Kid"]
    assert tech.get(contact_url(mine)).status_code == 200
    assert tech.get(contact_url(kids)).status_code == 200
    for response in (
        tech.get(contacts_url(bpm)),
        tech.post(contacts_url(bpm), {"first_name": "Sneak"}),
        tech.get(contact_url(hidden)),
        tech.patch(contact_url(hidden), {"version": 1, "title": "x"}),
        tech.delete(contact_url(hidden)),
    ):
        assert response.status_code == 404
    assert live(bpm).count() == 1


def test_a_viewer_reads_but_cannot_write(cast, bpm):
    ana = add(bpm, "Ana", "ana@bpm.example")
    viewer = Api(cast.viewer)
    assert names(viewer.get(contacts_url(bpm))) == ["Ana"]
    assert viewer.get(contact_url(ana)).status_code == 200
    answers = [
        viewer.post(contacts_url(bpm), {"first_name": "No"}),
        viewer.patch(contact_url(ana), {"version": 1, "title": "No"}),
        viewer.delete(contact_url(ana)),
    ]
    assert [r.status_code for r in answers] == [403] * 3
    assert answers[0].json()["detail"]
    ana.refresh_from_db()
    assert (ana.title, ana.deleted_at, live(bpm).count()) == ("", None, 1)


@pytest.mark.parametrize("role", ["technician", "manager", "admin", "owner"])
def test_technicians_and_above_write(cast, bpm, role):
    response = Api(cast.member(role)).post(contacts_url(bpm), {"first_name": role})
    assert response.status_code == 201, response.content


# Cost -------------------------------------------------------------------------------------


def test_the_list_costs_the_same_queries_whatever_its_length(
    cast, tech, bpm, django_assert_num_queries
):
    for i in range(30):
        add(bpm, f"P{i:02d}", f"p{i}@bpm.example", is_secondary=i == 3)
    tech.get("/api/v1/account")  # the first use records last_used_at: one write
    # token, membership, the client, one page, the page's portal states
    with django_assert_num_queries(5):
        assert len(names(tech.get(contacts_url(bpm), limit=2))) == 2
    with django_assert_num_queries(5):
        assert len(names(tech.get(contacts_url(bpm), limit=30, order="-role", q="p"))) == 30


def test_openapi_declares_the_contacts_endpoints_and_their_errors(db):
    document = HttpClient().get("/api/v1/openapi.json").json()
    paths, schemas = document["paths"], document["components"]["schemas"]
    assert set(paths["/api/v1/clients/{client_id}/contacts"]) == {"get", "post"}
    assert set(paths["/api/v1/contacts/{contact_id}"]) == {"get", "patch", "delete"}
    assert {"401", "403", "404", "422"} <= set(
        paths["/api/v1/clients/{client_id}/contacts"]["post"]["responses"]
    )
    for path, method in [
        ("/api/v1/contacts/{contact_id}", "patch"),
        ("/api/v1/contacts/{contact_id}", "delete"),
    ]:
        assert {"401", "403", "404", "409", "422"} <= set(paths[path][method]["responses"])
    create = paths["/api/v1/clients/{client_id}/contacts"]["post"]
    body = create["requestBody"]["content"]["application/json"]["schema"]
    assert body == {"$ref": "#/components/schemas/ContactCreateIn"}
    assert "first_name" in schemas["ContactCreateIn"]["required"]
