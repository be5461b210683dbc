"""What API tokens record in the activity log (audit.verbs)."""

from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import Verb, verbs_declare

API_TOKEN_CREATED = Verb(
    "api_token.created", "integrations.apitoken", _("%(actor)s created the API token %(target)s")
)
API_TOKEN_REVOKED = Verb(
    "api_token.revoked", "integrations.apitoken", _("%(actor)s revoked the API token %(target)s")
)

INBOUND_SECRET_MADE = Verb(
    "inbound_secret.made",
    "integrations.inboundsecret",
    _("%(actor)s made a new secret for inbound email"),
)

verbs_declare(API_TOKEN_CREATED, API_TOKEN_REVOKED, INBOUND_SECRET_MADE)
