"""The activity log's panel of the account's home page (core.registry.home_panels).

Those who may read the whole log (`activity.read`) see the account's latest entries and a link
to Settings › Activity; everyone else sees their own latest entries. Either way the sentences
name a client the reader may not see as such, never by its name (audit.sentences)."""

from clientdesk.audit.queries import activity_for_account
from clientdesk.audit.sentences import sentences
from clientdesk.core.roles import can

SHOWN = 6


def recent_activity(request) -> dict:
    entries = activity_for_account(account=request.account)
    whole = can(request.membership, "activity.read")
    if not whole:
        entries = entries.filter(actor=request.user)
    return {
        "activity_whole": whole,
        "activity_entries": sentences(list(entries[:SHOWN]), reader=request.membership),
    }
