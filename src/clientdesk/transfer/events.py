"""What an import job records in the activity log: one entry per job, whatever its size.

The records a job creates (clients, their primary contacts, contacts) get no entry each: the
job's entry stands for them, with the file's name and the counts, and each new client keeps
the job (Client.imported_by_job), so that its timeline shows "Ana imported Acme from
clients.csv" on the day (audit.queries.activity_about, `client.imported`). The writers
still tell watchers and subscribers of each record as before (audit.events.events_tell).
Changes to existing records (upsert) keep an entry each, with the fields that changed.
"""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import Field, Name, Plain, Verb, names_declare, verbs_declare
from clientdesk.clients.batch import CREATE, REJECTED, UNCHANGED, UPDATE

TARGET = "transfer.importjob"
FILE = Field(_("file"), Plain(200))
COUNTS = (CREATE, UPDATE, UNCHANGED, REJECTED)
FIELDS = {
    "file": FILE,
    CREATE: Field(_("created")),
    UPDATE: Field(_("updated")),
    UNCHANGED: Field(_("unchanged")),
    REJECTED: Field(_("rejected")),
}

# How the job's entry reads in the timeline of each client it created.
CLIENT_IMPORTED = Verb(
    "client.imported",
    "clients.client",
    _("%(actor)s imported %(target)s from %(file_new)s"),
    fields=FIELDS,
)
CLIENTS_IMPORTED = Verb(
    "clients.imported",
    TARGET,
    _("%(actor)s imported clients from %(target)s: none created or changed"),
    fields=FIELDS,
    variants=(
        (
            (CREATE, UPDATE),
            _(
                "%(actor)s imported clients from %(target)s: %(created_new)s created, %(updated_new)s updated"
            ),
        ),
        ((CREATE,), _("%(actor)s imported clients from %(target)s: %(created_new)s created")),
        ((UPDATE,), _("%(actor)s imported clients from %(target)s: %(updated_new)s updated")),
    ),
    each=CLIENT_IMPORTED,
)
CONTACTS_IMPORTED = Verb(
    "contacts.imported",
    TARGET,
    _("%(actor)s imported contacts from %(target)s: none created or changed"),
    fields=FIELDS,
    variants=(
        (
            (CREATE, UPDATE),
            _(
                "%(actor)s imported contacts from %(target)s: %(created_new)s created, %(updated_new)s updated"
            ),
        ),
        ((CREATE,), _("%(actor)s imported contacts from %(target)s: %(created_new)s created")),
        ((UPDATE,), _("%(actor)s imported contacts from %(target)s: %(updated_new)s updated")),
    ),
)
verbs_declare(CLIENT_IMPORTED, CLIENTS_IMPORTED, CONTACTS_IMPORTED)

# The kinds whose jobs write one entry (the devices and applications imports: one per row).
JOB_VERBS = {"clients": CLIENTS_IMPORTED, "contacts": CONTACTS_IMPORTED}


def job_changes(filename: str, counts: dict[str, int]) -> dict[str, list]:
    """The entry's changes: the file, and the counts that are not zero."""
    changes: dict[str, list] = {"file": [None, filename]}
    changes.update({name: [None, counts[name]] for name in COUNTS if counts.get(name)})
    return changes


def jobs_named(reader, ids: set[str]) -> dict[str, Name]:
    """The imports the reader may open, as their file's name with a link; the others read as
    the name the entry keeps."""
    from clientdesk.transfer.queries import imports_visible

    rows = (
        imports_visible(reader)
        .filter(pk__in=[i for i in ids if i.isdigit()])
        .values_list("pk", "filename")
    )
    slug = reader.account.slug
    return {str(pk): Name(name, reverse("import_detail", args=[slug, pk])) for pk, name in rows}


names_declare(TARGET, jobs_named, missing=_("an import"))
