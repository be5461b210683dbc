"""Forms of the client page: edit (with conflict resolution), status, sub-client and move.

They check shape only; the business rules (prefix uniqueness, allowed status changes, past
dates, tree cycles) are the services' and come back as their messages.
"""

import json

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.clients import queries
from clientdesk.clients import status as rules
from clientdesk.clients.models import PREFIX_VALIDATOR, Client, Status
from clientdesk.clients.queries import descendant_ids
from clientdesk.clients.services import EDITABLE
from clientdesk.core import registry

BILLING = ("billing_email", "billing_address", "tax_id", "payment_terms", "currency")
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends and shows
RESOLUTIONS = (("mine", _("Keep mine")), ("theirs", _("Take theirs")))


class UpperCharField(forms.CharField):
    """Codes (prefix, currency) are stored upper-case; accept them typed in any case."""

    def to_python(self, value):
        return super().to_python(value).upper()


class DomainsField(forms.CharField):
    """A list of domains typed as one line, separated by commas or spaces."""

    def prepare_value(self, value):
        return ", ".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        text = super().to_python(value)
        return [d for d in text.replace(",", " ").split() if d]


def form_text(value) -> str:
    """A field's value as the form would send it, so values from anywhere compare equal."""
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value).replace("\r\n", "\n").strip()


class ClientEditForm(forms.Form):
    """The editable fields, the version the editor read, and the values they were shown.

    `original` lets a conflict be told apart from a change only the other person made: a field
    only they changed is taken from them, a field only this editor changed is kept, and only
    fields both changed are put to the editor to choose (`resolve_<field>`).
    """

    version = forms.IntegerField(widget=forms.HiddenInput)
    original = forms.CharField(widget=forms.HiddenInput, required=False)
    conflicts = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, account, money: bool, ask_choices: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.ask_choices = ask_choices  # False when the conflicts are first shown
        self.names = [n for n in EDITABLE if money or n not in BILLING]
        fields = forms.fields_for_model(
            Client,
            fields=self.names,
            widgets={
                "description": forms.Textarea(attrs={"rows": 3}),
                "billing_address": forms.Textarea(attrs={"rows": 3}),
            },
        )
        prefix = Client._meta.get_field("prefix")
        fields["prefix"] = UpperCharField(
            label=prefix.verbose_name.capitalize(),
            max_length=10,
            validators=[PREFIX_VALIDATOR],
            help_text=_("2–10 letters A–Z and digits; stored upper-case."),
            widget=forms.TextInput(attrs={"class": "code-input", "autocomplete": "off"}),
        )
        fields["email_domains"] = DomainsField(
            label=_("Email domains"),
            required=False,
            max_length=1000,
            help_text=_(
                "Mail from these domains (e.g. example.com) opens requests for this client; "
                "separate them with commas."
            ),
            widget=forms.TextInput(attrs={"autocomplete": "off"}),
        )
        if "currency" in fields:
            fields["currency"] = UpperCharField(
                label=_("Currency"),
                max_length=3,
                required=False,
                validators=Client._meta.get_field("currency").validators,
                help_text=_("Three letters, e.g. EUR. Empty: the account's currency."),
                widget=forms.TextInput(attrs={"class": "code-input", "autocomplete": "off"}),
            )
        fields["industry"].queryset = queries.industries(account=account)
        fields["manager"].queryset = (
            get_user_model().objects.filter(memberships__account=account).order_by("name", "email")
        )
        fields["manager"].label_from_instance = lambda user: user.display_name
        fields["industry"].empty_label = _("— None —")
        fields["manager"].empty_label = _("— Nobody —")
        for field in fields.values():
            field.label = str(field.label)[:1].upper() + str(field.label)[1:]
        self.fields.update(fields)

    @classmethod
    def for_client(cls, client: Client, **kwargs) -> "ClientEditForm":
        initial = {name: getattr(client, name) for name in EDITABLE}
        initial["version"] = client.version
        initial["original"] = json.dumps(values_of(client))
        return cls(initial=initial, **kwargs)

    def original_values(self) -> dict[str, str]:
        try:
            data = json.loads(self.cleaned_data.get("original") or "{}")
        except ValueError:
            return {}
        return data if isinstance(data, dict) else {}

    def conflict_names(self) -> list[str]:
        raw = self.data.get("conflicts", "") if self.is_bound else ""
        return [n for n in raw.split(",") if n in self.names]

    def clean(self):
        cleaned = super().clean()
        for name in self.conflict_names() if self.ask_choices else []:
            if self.data.get(f"resolve_{name}") not in ("mine", "theirs"):
                self.add_error(
                    None,
                    _("Choose which value of “%(field)s” to keep.")
                    % {"field": self.fields[name].label},
                )
        return cleaned

    def resolutions(self) -> dict[str, str]:
        return {name: self.data.get(f"resolve_{name}") for name in self.conflict_names()}

    def _visible(self, billing: bool):
        """Fields in conflict travel as hidden inputs beside their choice instead."""
        conflicts = set(self.conflict_names())
        return [
            self[name]
            for name in self.names
            if name not in conflicts and (name in BILLING) == billing
        ]

    def main_fields(self):
        return self._visible(billing=False)

    def billing_fields(self):
        return self._visible(billing=True)

    def conflict_hidden(self):
        return [self[name] for name in self.conflict_names()]


def values_of(client: Client) -> dict[str, str]:
    return {name: form_text(getattr(client, name)) for name in EDITABLE}


class StatusForm(forms.Form):
    """Offers the allowed targets; any status is accepted so a refusal carries the rule's words."""

    to_status = forms.ChoiceField(
        label=_("New status"),
        choices=Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the new status.")},
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the status history; optional."),
    )
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        input_formats=[LOCAL_MINUTE, "%Y-%m-%dT%H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=LOCAL_MINUTE),
    )

    def __init__(self, *args, client: Client, may_backdate: bool, time_zone: str, **kwargs):
        super().__init__(*args, **kwargs)
        # Moves another domain's workflow owns (core.registry.status_guards) are not offered;
        # the dialog says where they are made instead.
        self.targets, self.held = [], []
        for target in rules.allowed_targets(client.status):
            refusals = [g.refusal(client, target) for g in registry.status_guards.all()]
            if any(refusals):
                self.held.extend(r for r in refusals if r and r not in self.held)
            else:
                self.targets.append((target, Status(target).label))
        self.fields["to_status"].widget.choices = self.targets
        if not may_backdate:
            del self.fields["at"]
            return
        at = self.fields["at"]
        at.help_text = _(
            "Leave empty for now. A past date is for a change that happened earlier; "
            "times are in %(zone)s."
        ) % {"zone": time_zone}
        at.widget.attrs["max"] = timezone.localtime().strftime(LOCAL_MINUTE)
        at.widget.attrs["min"] = timezone.localtime(client.status_changed_at).strftime(LOCAL_MINUTE)


class SubClientForm(forms.Form):
    prefix = UpperCharField(
        label=_("Prefix"),
        max_length=10,
        validators=[PREFIX_VALIDATOR],
        help_text=_("2–10 letters A–Z and digits, unique in the account."),
        widget=forms.TextInput(attrs={"class": "code-input", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Name"), max_length=200)
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[(s, Status(s).label) for s in rules.INITIAL],
        help_text=_("Where the relationship with this sub-client stands today."),
    )

    def __init__(self, *args, parent: Client | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if parent is not None and not self.is_bound:
            self.initial["status"] = parent.status if parent.status in rules.INITIAL else "active"


class MoveForm(forms.Form):
    """The new parent by prefix: a list when the account is small, typed with hints otherwise."""

    LIST_LIMIT = 300

    parent = UpperCharField(label=_("New parent"), max_length=10, required=False)

    def __init__(self, *args, visible: QuerySet, client: Client, **kwargs):
        super().__init__(*args, **kwargs)
        self.visible = visible
        # Only what the move accepts: not the client itself, nor one of its own sub-clients.
        self.candidates = list(
            visible.filter(archived=False)
            .exclude(pk__in={client.pk, *descendant_ids(client=client)})
            .order_by(Lower("name"), "id")
            .only("pk", "name", "prefix")[: self.LIST_LIMIT + 1]
        )
        self.typed = len(self.candidates) > self.LIST_LIMIT
        field = self.fields["parent"]
        if self.typed:
            field.help_text = _("Type the prefix of the new parent; leave empty for top level.")
            field.widget.attrs.update({"list": "move-parent-options", "autocomplete": "off"})
        else:
            field.widget = forms.Select(
                choices=[("", _("— None: a top-level client —"))]
                + [(c.prefix, f"{c.name} ({c.prefix})") for c in self.candidates]
            )
        if client.parent_id and not self.is_bound:
            self.initial["parent"] = client.parent.prefix

    def clean_parent(self) -> Client | None:
        prefix = self.cleaned_data["parent"]
        if not prefix:
            return None
        parent = self.visible.filter(prefix=prefix).first()
        if parent is None:
            raise forms.ValidationError(
                _("No client you can see has the prefix %(prefix)s.") % {"prefix": prefix}
            )
        return parent
