"""What the risk rules record in the activity log (audit.verbs); imported by InsightsConfig.
The moves to at risk themselves are the clients' own `client.status_changed`, with the
rules' reasons as the reason."""

from django.utils.translation import gettext_lazy as _

from clientdesk.audit.verbs import Field, Items, Plain, Verb, verbs_declare

CLIENT_RISK_DISMISSED = Verb(
    "client.risk_dismissed",
    "clients.client",
    _("%(actor)s dismissed the risk of %(target)s until %(until_new)s"),
    fields={"until": Field(_("until")), "note": Field(_("note"), Plain(500))},
    variants=(
        (
            ("note",),
            _("%(actor)s dismissed the risk of %(target)s until %(until_new)s: %(note_new)s"),
        ),
    ),
)
RISK_RULES_UPDATED = Verb(
    "risk_rules.updated",
    "core.account",
    _("%(actor)s set the risk rules: %(rules_new)s"),
    fields={"rules": Field(_("risk rules"), Items())},
)

verbs_declare(CLIENT_RISK_DISMISSED, RISK_RULES_UPDATED)
