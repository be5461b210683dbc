"""Writing activity takes a declared verb; subscribers hear of committed entries only."""

import pytest
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.events import Event, event_record, subscribe, unsubscribe
from clientdesk.audit.models import Activity
from clientdesk.audit.sentences import sentences
from clientdesk.audit.verbs import UnknownVerb, Verb, verbs_declared
from clientdesk.clients.events import CLIENT_UPDATED
from clientdesk.clients.services import client_change_status, client_update
from clientdesk.transfer.services import import_file
from tests.audit.reading import sentence
from tests.clients.factories import make_client


@pytest.fixture
def heard():
    """A real subscriber, as notifications and webhooks will be: it keeps what it hears."""
    got: list[Event] = []

    def listener(event: Event) -> None:
        got.append(event)

    subscribe(listener)
    yield got
    unsubscribe(listener)


def test_an_undeclared_verb_or_field_raises_and_writes_nothing(cast):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    before = Activity.objects.count()
    with pytest.raises(UnknownVerb, match=r"client\.renamed"):
        event_record(account=cast.account, actor=None, verb="client.renamed", target=acme)
    lookalike = Verb("client.updated", "clients.client", _("%(actor)s changed %(target)s"))
    with pytest.raises(UnknownVerb):
        event_record(account=cast.account, actor=None, verb=lookalike, target=acme)
    with pytest.raises(UnknownVerb, match="secret_field"):
        event_record(
            account=cast.account,
            actor=None,
            verb=CLIENT_UPDATED,
            target=acme,
            changes={"secret_field": [1, 2]},
        )
    with pytest.raises(UnknownVerb, match=r"core\.account"):
        event_record(account=cast.account, actor=None, verb=CLIENT_UPDATED, target=cast.account)
    assert Activity.objects.count() == before


@pytest.mark.django_db(transaction=True)
def test_subscribers_hear_after_the_commit_never_before(cast, heard):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    heard.clear()
    with transaction.atomic():
        client_change_status(
            client=acme,
            actor=cast.manager,
            to_status="at_risk",
            reason="quiet for months",
        )
        assert heard == []  # written, not yet committed: nobody may act on it
    entry = Activity.objects.get(verb="client.status_changed")
    assert heard == [
        Event(
            verb="client.status_changed",
            account_id=cast.account.pk,
            actor_id=cast.manager.user.pk,
            actor_label=cast.manager.user.email,
            target_type="clients.client",
            target_id=str(acme.pk),
            target_label="Acme Builders (ACME)",
            changes={"status": ["active", "at_risk"], "reason": [None, "quiet for months"]},
            activity_id=entry.pk,
            at=entry.at,
        )
    ]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_change_tells_nobody(cast, heard):
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    heard.clear()
    with pytest.raises(RuntimeError), transaction.atomic():
        client_update(client=acme, actor=cast.manager.user, version=None, license="Gold")
        raise RuntimeError("the rest of the request failed")
    assert heard == []
    assert not Activity.objects.filter(verb="client.updated").exists()


def test_a_failing_subscriber_neither_undoes_the_change_nor_silences_the_others(
    cast, heard, django_capture_on_commit_callbacks
):
    def broken(event: Event) -> None:
        raise ValueError("a webhook endpoint is down")

    subscribe(broken)
    try:
        acme = make_client(cast, prefix="ACME", name="Acme Builders")
        with django_capture_on_commit_callbacks(execute=True):
            client_update(client=acme, actor=cast.manager.user, version=None, license="Gold")
    finally:
        unsubscribe(broken)
    assert [e.verb for e in heard] == ["client.updated"]
    assert heard[0].changes == {"license": ["", "Gold"]}


def test_an_import_tells_subscribers_of_each_record_it_created_and_writes_one_entry(
    cast, heard, tmp_path, django_capture_on_commit_callbacks
):
    path = tmp_path / "clients.csv"
    path.write_bytes(
        b"Prefix,Name,Contact email\nACME,Acme Builders,jo@acme.example\nGLX,Globex,\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        import_file(
            account=cast.account,
            membership=cast.manager,
            kind="clients",
            path=str(path),
            mode="upsert",
        )
    written = Activity.objects.get(account=cast.account, actor=cast.manager.user)
    assert written.verb == "clients.imported" and written.target_repr == "clients.csv"
    assert sorted((e.verb, e.target_label) for e in heard) == [
        ("client.created", "Acme Builders (ACME)"),
        ("client.created", "Globex (GLX)"),
        ("clients.imported", "clients.csv"),
        ("contact.created", "jo"),
    ]
    # Each event carries the one entry that stands for it.
    assert {e.activity_id for e in heard} == {written.pk}


def test_every_declared_verb_reads_as_a_sentence(cast):
    """Each verb's templates fill from its declared fields: nothing left as a placeholder."""
    acme = make_client(cast, prefix="ACME", name="Acme Builders")
    samples = {
        "at": "2026-03-02T23:30:00+00:00",
        "status": "active",
        "engagement": "silent",
        "role": "manager",
        "client_access": "allow",
        "clients": [acme.pk],
        "client": acme.pk,
        "parent": acme.pk,
        "tags": ["VIP"],
        "manager": cast.manager.user.pk,
        "contact": None,
        "active": True,
        "is_primary": True,
        "is_secondary": False,
        "source": "import",
    }
    rows = []
    for verb in verbs_declared():
        changes = {name: [None, samples.get(name, "x")] for name in verb.fields}
        rows.append(
            Activity(
                account=cast.account,
                actor=cast.owner.user,
                verb=verb.name,
                target_type=verb.target,
                target_id=str(acme.pk) if verb.target == "clients.client" else "0",
                target_repr="Something",
                changes=changes,
            )
        )
    said = sentences(rows, reader=cast.owner)
    for verb, entry in zip(verbs_declared(), said, strict=True):
        assert "%(" not in entry.text and "None" not in entry.text, (verb.name, entry.text)
        assert sentence(entry.text)[:1].isupper(), (verb.name, entry.text)
    assert [v.name for v in verbs_declared()] == [
        "account.created",
        "account.updated",
        "agreement.created",
        "agreement.ended",
        "agreement.ending",
        "agreement.renewed",
        "agreement.updated",
        "api_token.created",
        "api_token.revoked",
        "application.created",
        "application.deleted",
        "application.updated",
        "client.archived",
        "client.created",
        "client.deleted",
        "client.engagement_changed",
        "client.imported",
        "client.offboarding_cancelled",
        "client.offboarding_completed",
        "client.offboarding_item_done",
        "client.offboarding_item_reopened",
        "client.offboarding_started",
        "client.portal_accepted",
        "client.portal_access_revoked",
        "client.portal_invitation_failed",
        "client.portal_invitation_revoked",
        "client.portal_invited",
        "client.restored",
        "client.risk_dismissed",
        "client.sla_changed",
        "client.status_changed",
        "client.undeleted",
        "client.updated",
        "client.won_back",
        "client_app.added",
        "client_app.removed",
        "client_app.updated",
        "clients.imported",
        "contact.created",
        "contact.deleted",
        "contact.updated",
        "contacts.imported",
        "device.created",
        "device.deleted",
        "device.updated",
        "devices.settings_updated",
        "document.deleted",
        "document.updated",
        "document.uploaded",
        "inbound_secret.made",
        "industry.created",
        "industry.deleted",
        "industry.merged",
        "industry.renamed",
        "member.added",
        "member.client_access_changed",
        "member.details_changed",
        "member.invitation_revoked",
        "member.invited",
        "member.password_changed",
        "member.removed",
        "member.role_changed",
        "offboarding.checklist_changed",
        "risk_rules.updated",
        "ticket.created",
        "ticket.noted",
        "ticket.replied",
        "ticket.updated",
        "tickets.settings_updated",
    ]
