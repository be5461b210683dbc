"""What the agreements domain shows on a client's page and in its API `counts` (core.registry):
the contacts in and out of agreement (DESIGN §4). The contacts domain counts all contacts;
which of them an agreement covers is known only here."""

from django.utils.translation import gettext as _

from clientdesk.agreements.queries import coverage, coverage_by_client


def coverage_rows(request, client) -> dict:
    """Rows of (label, own, with sub-clients, is total) for the Agreement coverage table."""
    c = coverage(membership=request.membership, client=client)
    return {
        "coverage_rows": [
            (_("In agreement"), c.in_own, c.in_with_subclients, False),
            (_("Out of agreement"), c.out_own, c.out_with_subclients, False),
        ]
    }


def api_counts(membership, clients) -> dict[int, dict]:
    """The agreements part of the API's `counts`, for a whole page of clients at once."""
    return {
        pk: {"contacts_in_agreement": c.in_own, "contacts_out_of_agreement": c.out_own}
        for pk, c in coverage_by_client(membership=membership, clients=clients).items()
    }
