"""Contacts join per-user agreements from the contact dialog and in bulk from the Contacts tab
(the agreements domain plugs in through core.registry.contact_choices)."""

import re
from datetime import timedelta

import pytest

from clientdesk.agreements.models import AgreementContact
from clientdesk.agreements.services import agreement_create
from clientdesk.audit.models import Activity
from clientdesk.contacts.models import Contact
from tests.clients.factories import make_client
from tests.contacts.test_contacts_tab import add, tab, web

pytestmark = pytest.mark.django_db


@pytest.fixture
def harbour(cast):
    return make_client(cast, prefix="HBR", name="Harbour Dental")


def make(client, name, kind="ayce_user", days=(-10, 300)):
    from clientdesk.agreements.models import today_for

    today = today_for(client.account)
    return agreement_create(
        client=client,
        actor=None,
        name=name,
        kind=kind,
        starts_on=today + timedelta(days=days[0]),
        ends_on=today + timedelta(days=days[1]),
    )


def covered(agreement) -> set[str]:
    ids = AgreementContact.objects.filter(agreement=agreement).values_list("contact_id", flat=True)
    return {c.first_name for c in Contact.objects.filter(pk__in=ids)}


@pytest.fixture
def plans(harbour):
    return {
        "seats": make(harbour, "Seats 2027"),
        "next": make(harbour, "Seats 2028", days=(400, 800)),
        "old": make(harbour, "Seats 2024", days=(-800, -400)),
        "flat": make(harbour, "Whole office", kind="ayce_client"),
    }


def test_the_dialog_offers_the_open_per_user_agreements_to_managers_only(cast, harbour, plans):
    page = web(cast.manager).get(tab(harbour))
    assert "Per-user agreements" in page.text
    assert "Seats 2027" in page.text and "Seats 2028" in page.text
    assert "Seats 2024" not in page.text  # expired
    assert "Whole office" not in page.text  # per client: covers everyone already
    assert "Per-user agreements" not in web(cast.technician).get(tab(harbour)).text


def test_adding_and_editing_a_contact_sets_its_agreements(cast, harbour, plans):
    manager = web(cast.manager)
    seats, later = plans["seats"], plans["next"]
    form = {
        "first_name": "Ana",
        "last_name": "Ruiz",
        "active": "on",
        "belong_agreements": [seats.pk],
    }
    assert manager.post(tab(harbour, "new/"), form).status_code == 302
    assert covered(seats) == {"Ana"} and covered(later) == set()
    ana = Contact.objects.get(first_name="Ana")
    edit = tab(harbour, f"{ana.pk}/edit/")
    dialog = manager.get(edit, headers={"HX-Request": "true"})
    assert re.search(rf'name="belong_agreements" value="{seats.pk}"[^>]*checked', dialog.text)
    assert not re.search(rf'name="belong_agreements" value="{later.pk}"[^>]*checked', dialog.text)
    changed = {**form, "version": ana.version, "belong_agreements": [later.pk]}
    assert manager.post(edit, changed).status_code == 302
    assert covered(seats) == set() and covered(later) == {"Ana"}
    # The agreement's history says who changed its contacts.
    assert Activity.objects.filter(verb="agreement.updated", target_id=later.pk).exists()


def test_an_agreement_of_another_client_is_refused_and_nothing_is_saved(cast, harbour, plans):
    other = make_client(cast, prefix="OTH", name="Other Co")
    theirs = make(other, "Their seats")
    form = {"first_name": "Bo", "active": "on", "belong_agreements": [theirs.pk]}
    refused = web(cast.manager).post(tab(harbour, "new/"), form)
    assert refused.status_code == 400
    assert not Contact.objects.filter(first_name="Bo").exists()
    assert covered(theirs) == set()


def test_bulk_adds_and_removes_the_selected_contacts(cast, harbour, plans):
    seats = plans["seats"]
    ana, bo, cy = (add(harbour, n) for n in ("Ana", "Bo", "Cy"))
    manager = web(cast.manager)
    joined = manager.post(
        tab(harbour, "bulk/"),
        {
            "ids": [ana.pk, bo.pk],
            "action": "belong_agreements",
            "belong_agreements": f"join:{seats.pk}",
        },
        follow=True,
    )
    assert "Add to Seats 2027: 2 contacts." in joined.text
    assert covered(seats) == {"Ana", "Bo"}
    manager.post(
        tab(harbour, "bulk/"),
        {
            "ids": [bo.pk, cy.pk],
            "action": "belong_agreements",
            "belong_agreements": f"leave:{seats.pk}",
        },
    )
    assert covered(seats) == {"Ana"}
    # An expired agreement is not a choice: refused with the form's message.
    old = plans["old"]
    refused = manager.post(
        tab(harbour, "bulk/"),
        {"ids": [cy.pk], "action": "belong_agreements", "belong_agreements": f"join:{old.pk}"},
        follow=True,
    )
    assert "Select a valid choice" in refused.text
    assert covered(old) == set()


def test_technicians_cannot_move_contacts_between_agreements(cast, harbour, plans):
    ana = add(harbour, "Ana")
    tech = web(cast.technician)
    tech.post(
        tab(harbour, "bulk/"),
        {
            "ids": [ana.pk],
            "action": "belong_agreements",
            "belong_agreements": f"join:{plans['seats'].pk}",
        },
    )
    tech.post(
        tab(harbour, f"{ana.pk}/edit/"),
        {
            "first_name": "Ana",
            "active": "on",
            "version": ana.version,
            "belong_agreements": [plans["seats"].pk],
        },
    )
    assert covered(plans["seats"]) == set()
