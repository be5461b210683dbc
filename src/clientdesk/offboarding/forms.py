"""The off-boarding's page forms: start (date, reason, note), win back, the checklist template."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clientdesk.clients.models import Status
from clientdesk.offboarding.models import Reason
from clientdesk.offboarding.services import NOTE_MAX, WIN_BACK_TO


class StartForm(forms.Form):
    # Its fields' ids stay apart from the status dialog's on the same page (id_reason).
    prefix = "offboarding"

    date = forms.DateField(
        label=_("Off-boarding date"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        input_formats=["%Y-%m-%d"],
        help_text=_("The day the client leaves: past it with items open, the client is flagged."),
        error_messages={"required": _("Give the off-boarding date.")},
    )
    reason = forms.ChoiceField(
        label=_("Reason"),
        choices=[("", _("Choose…")), *Reason.choices],
        error_messages={"required": _("Choose a reason.")},
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class WinBackForm(forms.Form):
    prefix = "winback"

    to_status = forms.ChoiceField(
        label=_("Bring back as"),
        choices=[(s, Status(s).label) for s in WIN_BACK_TO],
        initial=Status.ACTIVE,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the status it comes back as.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the status history; optional."),
    )


class ChecklistForm(forms.Form):
    items = forms.CharField(
        label=_("Checklist items"),
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("One item per line, in order. New off-boardings copy this list; open ones "
                    "keep theirs."),
        error_messages={"required": _("The checklist needs at least one item.")},
    )  # fmt: skip

    def titles(self) -> list[str]:
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]
