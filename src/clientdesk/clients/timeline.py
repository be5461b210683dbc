"""A client's activity timeline in words (the Overview tab)."""

from clientdesk.audit.queries import activity_for_target
from clientdesk.audit.sentences import Said, sentences
from clientdesk.clients.models import Client


def timeline(membership, client: Client, limit: int = 50) -> list[Said]:
    """The client's latest entries, newest first, as sentences for this reader."""
    entries = list(activity_for_target(target=client)[:limit])
    return sentences(entries, reader=membership, about=client)
