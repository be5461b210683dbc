"""A client's activity timeline in words (the Overview tab)."""

from clientdesk.audit.queries import activity_about
from clientdesk.audit.sentences import Said, sentences
from clientdesk.clients.models import Client


def timeline(membership, client: Client, limit: int = 50) -> list[Said]:
    """The client's latest entries, newest first, as sentences for this reader: its own, and
    the import that created it ("Ana imported Acme from clients.csv")."""
    entries = activity_about(target=client, limit=limit)
    return sentences(entries, reader=membership, about=client)
