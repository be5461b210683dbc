"""What the portal records in the activity log, on the client it opens to (audit.verbs).

`contact` is the contact an entry is about, logged as [None, id]; older entries have only the
email address, which their sentences fall back to.
"""

from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import Choice, Field, Ref, Unshown, Verb, verbs_declare
from clientdesk.clients.models import Engagement

CONTACT = Field(_("contact"), Ref("contacts.contact"))
INVITED = Field(_("invited"))
PORTAL_USER = Field(_("portal user"))

ENGAGEMENT_CHANGED = Verb(
    "client.engagement_changed",
    "clients.client",
    _("%(target_s)s engagement went from %(engagement_old)s to %(engagement_new)s"),
    fields={"engagement": Field(_("engagement"), Choice(Engagement, badge="engagement"))},
)
PORTAL_INVITED = Verb(
    "client.portal_invited",
    "clients.client",
    _("%(actor)s invited %(invited_new)s to %(target_s)s portal"),
    fields={"invited": INVITED, "contact": CONTACT},
    variants=((("contact",), _("%(actor)s invited %(contact_new)s to %(target_s)s portal")),),
)
PORTAL_INVITATION_REVOKED = Verb(
    "client.portal_invitation_revoked",
    "clients.client",
    _("%(actor)s withdrew the invitation of %(invited_old)s to %(target_s)s portal"),
    fields={"invited": INVITED, "contact": CONTACT},
    variants=(
        (
            ("contact",),
            _("%(actor)s withdrew the invitation of %(contact_new)s to %(target_s)s portal"),
        ),
    ),
)
PORTAL_INVITATION_FAILED = Verb(
    "client.portal_invitation_failed",
    "clients.client",
    _("%(actor)s could not deliver %(target_s)s portal invitation to %(email_new)s"),
    fields={
        "invitation": Field(_("invitation"), Unshown()),
        "email": Field(_("email")),
        "error": Field(_("error"), requires="outbox.read"),
        "contact": CONTACT,
    },
)
PORTAL_ACCEPTED = Verb(
    "client.portal_accepted",
    "clients.client",
    _("%(actor)s accepted the invitation to %(target_s)s portal"),
    fields={"portal_user": PORTAL_USER, "contact": CONTACT},
)
PORTAL_ACCESS_REVOKED = Verb(
    "client.portal_access_revoked",
    "clients.client",
    _("%(actor)s closed %(target_s)s portal to %(portal_user_old)s"),
    fields={"portal_user": PORTAL_USER, "contact": CONTACT},
    variants=((("contact",), _("%(actor)s closed %(target_s)s portal to %(contact_new)s")),),
)

verbs_declare(
    ENGAGEMENT_CHANGED,
    PORTAL_INVITED,
    PORTAL_INVITATION_REVOKED,
    PORTAL_INVITATION_FAILED,
    PORTAL_ACCEPTED,
    PORTAL_ACCESS_REVOKED,
)
