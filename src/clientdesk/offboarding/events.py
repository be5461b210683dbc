"""What the off-boarding workflow records in the activity log, and how it reads (audit.verbs).

Every entry is about the client (its timeline shows them); the account's checklist template
changes are about the account."""

from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import Choice, Field, Items, Plain, Verb, verbs_declare
from clientdesk.clients.models import Status
from clientdesk.offboarding.models import Reason

ON = Field(_("off-boarding date"))
REASON = Field(_("reason"), Choice(Reason))
NOTE = Field(_("note"), Plain())
ITEM = Field(_("item"))
STATUS = Field(_("status"), Choice(Status, badge="status"))

OFFBOARDING_STARTED = Verb(
    "client.offboarding_started",
    "clients.client",
    _("%(actor)s started off-boarding %(target)s for %(on_new)s (%(reason_new)s)"),
    fields={"on": ON, "reason": REASON, "note": NOTE},
)
OFFBOARDING_ITEM_DONE = Verb(
    "client.offboarding_item_done",
    "clients.client",
    _("%(actor)s ticked “%(item_new)s” on %(target_s)s off-boarding checklist"),
    fields={"item": ITEM},
)
OFFBOARDING_ITEM_REOPENED = Verb(
    "client.offboarding_item_reopened",
    "clients.client",
    _("%(actor)s reopened “%(item_new)s” on %(target_s)s off-boarding checklist"),
    fields={"item": ITEM},
)
OFFBOARDING_COMPLETED = Verb(
    "client.offboarding_completed",
    "clients.client",
    _("%(actor)s completed the off-boarding of %(target)s"),
)
OFFBOARDING_CANCELLED = Verb(
    "client.offboarding_cancelled",
    "clients.client",
    _("%(actor)s cancelled the off-boarding of %(target)s"),
)
CLIENT_WON_BACK = Verb(
    "client.won_back",
    "clients.client",
    _("%(actor)s won %(target)s back as %(status_new)s"),
    fields={"status": STATUS},
)
CHECKLIST_CHANGED = Verb(
    "offboarding.checklist_changed",
    "core.account",
    _("%(actor)s changed the off-boarding checklist"),
    fields={"items": Field(_("items"), Items())},
)

verbs_declare(
    OFFBOARDING_STARTED,
    OFFBOARDING_ITEM_DONE,
    OFFBOARDING_ITEM_REOPENED,
    OFFBOARDING_COMPLETED,
    OFFBOARDING_CANCELLED,
    CLIENT_WON_BACK,
    CHECKLIST_CHANGED,
)
