"""What the tickets domain shows on a client's page (core.registry.client_panels)."""

from clientdesk.tickets import queries


def support(request, client) -> dict:
    """The client's open tickets and open breaches, for the Support column of the details."""
    breaches = list(queries.open_breaches(membership=request.membership, client=client)[:5])
    return {
        "tickets_open": queries.open_count(membership=request.membership, client=client),
        "tickets_breaches": breaches,
    }
