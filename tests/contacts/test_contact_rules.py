import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import (
    StaleContact,
    contact_create,
    contact_delete,
    contact_update,
)
from tests.clients.factories import make_client


@pytest.fixture
def client_(cast):
    return make_client(cast, prefix="BPM", name="Blue Peak Media")


def add(client, first="Ana", email="", **kw):
    return contact_create(client=client, actor=None, first_name=first, email=email, **kw)


def primaries(client):
    return list(Contact.objects.filter(client=client, is_primary=True, deleted_at=None))


def test_the_first_contact_with_an_email_becomes_primary(client_):
    nobody = add(client_, "No", email="")
    ana = add(client_, "Ana", email="ana@bpm.example")
    assert not nobody.is_primary and not ana.is_primary  # the client had a contact already
    assert primaries(client_) == []
    other = make_client(client_.account, prefix="OTH")
    assert add(other, "Bo", email="bo@oth.example").is_primary


def test_making_a_new_primary_demotes_the_old_one(client_):
    ana = add(client_, "Ana", email="ana@bpm.example")
    bo = add(client_, "Bo", email="bo@bpm.example")
    assert [c.pk for c in primaries(client_)] == [ana.pk]
    contact_update(contact=bo, actor=None, version=bo.version, is_primary=True)
    assert [c.pk for c in primaries(client_)] == [bo.pk]
    assert Contact.objects.get(pk=ana.pk).version == ana.version + 1


def test_a_client_keeps_one_primary(client_):
    ana = add(client_, "Ana", email="ana@bpm.example")
    add(client_, "Bo", email="bo@bpm.example")
    with pytest.raises(ValidationError, match="make another contact primary instead"):
        contact_update(contact=ana, actor=None, version=None, is_primary=False)
    with pytest.raises(ValidationError, match="before deleting"):
        contact_delete(contact=ana, actor=None)


def test_at_most_one_secondary_and_never_both(client_):
    ana = add(client_, "Ana", email="ana@bpm.example")
    bo = add(client_, "Bo", is_secondary=True)
    cy = add(client_, "Cy", is_secondary=True)
    assert list(Contact.objects.filter(client=client_, is_secondary=True)) == [cy]
    assert not Contact.objects.get(pk=bo.pk).is_secondary
    with pytest.raises(ValidationError, match="cannot also be secondary"):
        contact_update(contact=ana, actor=None, version=None, is_secondary=True)


def test_email_is_optional_valid_and_unique_within_the_client_ignoring_case(cast, client_):
    add(client_, "Ana", email="Ana@BPM.example")
    with pytest.raises(ValidationError, match=r"already uses ana@bpm\.example"):
        add(client_, "Other", email="ANA@bpm.example")
    with pytest.raises(ValidationError) as exc:
        add(client_, "Bad", email="not-an-email")
    assert "email" in exc.value.message_dict
    other_client = make_client(cast, prefix="OTH")
    assert add(other_client, "Ana", email="ana@bpm.example").email == "ana@bpm.example"


def test_a_stale_version_is_refused(client_):
    ana = add(client_, "Ana", email="ana@bpm.example")
    contact_update(contact=ana, actor=None, version=1, title="CEO")
    with pytest.raises(StaleContact) as exc:
        contact_update(contact=ana, actor=None, version=1, title="CTO")
    assert exc.value.current.title == "CEO"


@pytest.mark.django_db(transaction=True)
def test_two_people_making_different_primaries_at_once_end_with_exactly_one(cast):
    client = make_client(cast, prefix="RACE")
    contacts = [add(client, f"P{i}", email=f"p{i}@race.example") for i in range(6)]
    barrier = threading.Barrier(len(contacts) - 1)
    errors = []

    def make_primary(contact):
        try:
            barrier.wait(timeout=10)
            contact_update(contact=contact, actor=None, version=None, is_primary=True)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=make_primary, args=(c,)) for c in contacts[1:]]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert errors == []
    assert len(primaries(client)) == 1
