"""The Add client pages: by hand (Add manually) and by invitation (Invite client)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientdesk.clients import queries
from clientdesk.clients import status as rules
from clientdesk.clients.forms import split_tags
from clientdesk.clients.models import Engagement, Status
from clientdesk.core.models import Membership

ENGAGEMENT_HELP = {
    Engagement.SILENT: _(
        "No portal access. You work on the client's profile without the client knowing; "
        "nothing is sent until someone invites them."
    ),
    Engagement.ENGAGED: _(
        "The client's primary contact is invited to the portal, where they see their own "
        "requests, documents and devices."
    ),
}


class ClientCreateForm(forms.Form):
    """Add manually: the fields a person knows when a client is new (billing comes later)."""

    prefix = forms.CharField(
        label=_("Prefix"),
        max_length=10,
        help_text=_("2–10 letters A–Z or digits. Ticket numbers start with it, e.g. ACME-001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, Status(s).label) for s in rules.INITIAL],
        initial=Status.ACTIVE,
        help_text=_("Where the relationship stands today."),
    )
    industry = forms.ModelChoiceField(
        label=_("Industry"), queryset=None, required=False, empty_label=_("— None —")
    )
    parent = forms.CharField(
        label=_("Parent client"),
        required=False,
        max_length=10,
        help_text=_("The prefix of the client this one belongs to. Empty: a top-level client."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    manager = forms.TypedChoiceField(
        label=_("Manager"), required=False, coerce=int, empty_value=None
    )
    license = forms.CharField(label=_("License"), required=False, max_length=100)
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separate tags with commas, e.g. vip, monthly."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    engagement = forms.ChoiceField(
        label=_("Portal access"),
        choices=[
            (Engagement.SILENT, Engagement.SILENT.label),
            (Engagement.ENGAGED, Engagement.ENGAGED.label),
        ],
        initial=Engagement.SILENT,
        widget=forms.RadioSelect,
    )
    primary_email = forms.EmailField(
        label=_("Primary contact's email"),
        required=False,
        help_text=_(
            "Needed for Engaged: the portal invitation goes there as soon as the client is saved."
        ),
    )
    primary_first_name = forms.CharField(
        label=_("Primary contact's first name"), required=False, max_length=80
    )
    primary_last_name = forms.CharField(
        label=_("Primary contact's last name"), required=False, max_length=80
    )

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self.membership = membership
        account = membership.account
        self.fields["industry"].queryset = queries.industries(account=account)
        self._managers = {user.pk: user for user in queries.managers(account=account)}
        self.fields["manager"].choices = [("", _("— Nobody —"))] + [
            (pk, user.display_name) for pk, user in self._managers.items()
        ]
        self.fields["prefix"].widget.attrs["autofocus"] = True

    def engagement_options(self) -> list[tuple]:
        """Each radio button with the sentence that explains it (DESIGN §2)."""
        return [(radio, ENGAGEMENT_HELP[radio.data["value"]]) for radio in self["engagement"]]

    def clean_prefix(self) -> str:
        return self.cleaned_data["prefix"].strip().upper()

    def clean_parent(self):
        prefix = self.cleaned_data["parent"].strip()
        if not prefix:
            return None
        parent = queries.live_clients(self.membership).filter(prefix=prefix.upper()).first()
        if parent is None:
            raise ValidationError(
                _("No client you can see has the prefix %(prefix)s."), params={"prefix": prefix}
            )
        return parent

    def clean_manager(self):
        pk = self.cleaned_data["manager"]
        if pk is None:
            return None
        if pk not in self._managers:
            raise ValidationError(_("Choose a member of this account's team."))
        return self._managers[pk]

    def clean_tags(self) -> list[str]:
        names = split_tags(self.cleaned_data["tags"])
        if any(len(name) > 40 for name in names):
            raise ValidationError(_("Keep each tag under 40 characters."))
        return names

    def clean(self):
        data = super().clean()
        engaged = data.get("engagement") == Engagement.ENGAGED
        if engaged and not data.get("primary_email") and "primary_email" not in self.errors:
            self.add_error(
                "primary_email", _("An engaged client needs its primary contact's email.")
            )
        if engaged and data.get("primary_email") and not data.get("primary_first_name"):
            # The email's local part stands in for a name nobody typed (editable later).
            data["primary_first_name"] = data["primary_email"].split("@", 1)[0][:80]
        return data

    def focus_first_error(self) -> None:
        """Move autofocus from the first field to the first field with an error."""
        for name in self.fields:
            if name in self.errors:
                self.fields["prefix"].widget.attrs.pop("autofocus", None)
                self.fields[name].widget.attrs["autofocus"] = True
                return


class ClientInviteForm(forms.Form):
    """Invite client: a new client, its primary contact and the portal invitation in one step."""

    name = forms.CharField(label=_("Client name"), max_length=200)
    prefix = forms.CharField(
        label=_("Prefix"),
        max_length=10,
        help_text=_("2–10 letters A–Z or digits. Ticket numbers start with it, e.g. ACME-001."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    first_name = forms.CharField(label=_("Contact's first name"), max_length=80)
    last_name = forms.CharField(label=_("Contact's last name"), max_length=80, required=False)
    email = forms.EmailField(
        label=_("Contact's email"),
        help_text=_("The invitation goes here; its link lets them choose a password."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs["autofocus"] = True

    def clean_prefix(self) -> str:
        return self.cleaned_data["prefix"].strip().upper()

    def focus_first_error(self) -> None:
        for name in self.fields:
            if name in self.errors:
                self.fields["name"].widget.attrs.pop("autofocus", None)
                self.fields[name].widget.attrs["autofocus"] = True
                return
