"""What the contacts domain shows on a client's page and in its API `counts` (core.registry)."""

from django.utils.translation import gettext as _

from clientdesk.contacts.queries import contact_counts, contact_counts_by_client, contacts_of


def key_contacts(request, client) -> dict:
    """The primary and the secondary contact, if any (one query: they sort first by role)."""
    page = contacts_of(membership=request.membership, client=client, order="role", limit=2)
    return {
        "primary_contact": next((c for c in page.items if c.is_primary), None),
        "secondary_contact": next((c for c in page.items if c.is_secondary), None),
    }


def contact_count_rows(request, client) -> dict:
    """Rows of (label, own, with sub-clients, is total) for the Contact counts table. Which
    contacts are in agreement is the agreements domain's to say (its own panel and counts)."""
    counts = contact_counts(client=client, membership=request.membership)
    return {"contact_rows": [(_("All contacts"), counts.own, counts.with_subclients, True)]}


def api_counts(membership, clients) -> dict[int, dict]:
    """The contacts part of the API's `counts`, for a whole page of clients at once."""
    return {
        pk: {
            "contacts": c.own,
            "contacts_with_subclients": c.with_subclients,
        }
        for pk, c in contact_counts_by_client(clients=clients, membership=membership).items()
    }
