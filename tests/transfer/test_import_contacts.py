"""Importing contacts by client prefix + email, with the primary and secondary rules."""

from clientdesk.audit.models import Activity
from clientdesk.contacts.models import Contact
from clientdesk.contacts.services import contact_create
from clientdesk.transfer.queries import import_errors
from clientdesk.transfer.services import import_file
from tests.clients.factories import make_client


def _run(cast, tmp_path, content: bytes, *, mode="upsert", membership=None):
    path = tmp_path / "contacts.csv"
    path.write_bytes(content)
    return import_file(
        account=cast.account,
        membership=membership or cast.manager,
        kind="contacts",
        path=str(path),
        mode=mode,
    )


def test_contacts_import_by_prefix_and_email_rejecting_unknown_prefixes_and_repeats(cast, tmp_path):
    acme = make_client(cast.account, prefix="ACME")
    content = (
        b"Client prefix,First name,Last name,Email,Job title\n"
        b"acme,Ada,Lovelace,Ada@Acme.example,CTO\n"
        b"NOPE,Nobody,Here,nobody@nope.example,\n"
        b"ACME,Ada,Again,ada@acme.example,\n"
        b"ACME,Grace,Hopper,grace@acme.example,Admiral\n"
    )

    job = _run(cast, tmp_path, content)

    assert job.counts == {"rows": 4, "created": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    errors = {e.row: (e.field, e.message) for e in import_errors(job)}
    assert errors[3][0] == "Client prefix" and "NOPE" in errors[3][1]
    assert errors[4][0] == "Client prefix" and "Row 2" in errors[4][1]
    ada = Contact.objects.get(client=acme, email="ada@acme.example")
    assert ada.is_primary and ada.title == "CTO" and ada.source == "import"
    assert not Contact.objects.get(client=acme, email="grace@acme.example").is_primary
    # One entry for the job, not one per contact.
    entries = Activity.objects.filter(account=cast.account, target_type="transfer.importjob")
    assert [(e.verb, e.changes) for e in entries] == [
        (
            "contacts.imported",
            {"file": [None, "contacts.csv"], "created": [None, 2], "rejected": [None, 2]},
        )
    ]
    assert not Activity.objects.filter(verb="contact.created", account=cast.account).exists()

    again = _run(cast, tmp_path, content)
    assert again.counts["unchanged"] == 2 and again.counts["created"] == 0
    assert Contact.objects.filter(client=acme).count() == 2


def test_an_existing_email_is_rejected_in_create_mode_and_updated_in_upsert(cast, tmp_path):
    acme = make_client(cast.account, prefix="ACME")
    contact_create(client=acme, actor=None, first_name="Ada", email="ada@acme.example")
    content = b"Client prefix,First name,Email,Phone\nACME,Ada,ADA@acme.example,+44 1\n"

    assert _run(cast, tmp_path, content, mode="create").counts["rejected"] == 1
    job = _run(cast, tmp_path, content, mode="upsert")

    assert job.counts["updated"] == 1
    assert Contact.objects.get(client=acme, email="ada@acme.example").phone == "+44 1"


def test_a_primary_row_takes_the_role_from_the_former_primary(cast, tmp_path):
    acme = make_client(cast.account, prefix="ACME")
    contact_create(client=acme, actor=None, first_name="Old", email="old@acme.example")
    content = b"Client prefix,First name,Email,Primary\nACME,New,new@acme.example,yes\n"

    _run(cast, tmp_path, content)

    assert Contact.objects.get(client=acme, is_primary=True).email == "new@acme.example"
    assert not Contact.objects.get(client=acme, email="old@acme.example").is_primary


def test_restricted_staff_import_only_into_their_clients(cast, tmp_path):
    from clientdesk.core.services import membership_set_client_access

    mine = make_client(cast.account, prefix="MINE")
    make_client(cast.account, prefix="THEIRS")
    membership_set_client_access(
        actor=cast.owner, membership=cast.manager, access="allow", clients=[mine]
    )
    content = b"Client prefix,First name,Email\nMINE,Me,me@mine.example\nTHEIRS,You,you@t.example\n"

    job = _run(cast, tmp_path, content)

    assert job.counts["created"] == 1 and job.counts["rejected"] == 1
    assert not Contact.objects.filter(client__prefix="THEIRS").exists()
