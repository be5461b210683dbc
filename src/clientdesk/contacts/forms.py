"""Forms of the Contacts tab: they check shape only; contacts.services keeps the rules (one
primary, at most one secondary, an email unique within the client) and says what is wrong."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientdesk.contacts.models import Contact

PERSON = ("first_name", "last_name", "email", "title", "phone", "mobile")
ADDRESS = ("street", "postcode", "city", "region", "country")
TEXT_FIELDS = (*PERSON, *ADDRESS, "notes")


class ContactForm(forms.Form):
    """Add or edit one contact, its address and its role (the dialog of the Contacts tab)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    return_query = forms.CharField(widget=forms.HiddenInput, required=False)
    is_primary = forms.BooleanField(
        label=_("Primary contact"),
        required=False,
        help_text=_(
            "Receives the portal invitation. The current primary contact becomes an ordinary one."
        ),
    )
    is_secondary = forms.BooleanField(
        label=_("Secondary contact"),
        required=False,
        help_text=_("At most one per client: the current secondary contact gives way."),
    )
    active = forms.BooleanField(
        label=_("Active"),
        required=False,
        initial=True,
        help_text=_("Untick for someone who has left the client: kept on file, no longer counted."),
    )

    def __init__(self, *args, choices: list | None = None, **kwargs):
        """`choices`: [(core.registry.ContactChoice, options)] this person may set here."""
        super().__init__(*args, **kwargs)
        self.choices = list(choices or [])
        for entry, options in self.choices:
            self.fields[f"belong_{entry.key}"] = forms.TypedMultipleChoiceField(
                label=entry.label,
                help_text=entry.help_text,
                choices=options,
                coerce=int,
                required=False,
                widget=forms.CheckboxSelectMultiple,
            )
        fields = forms.fields_for_model(
            Contact,
            fields=TEXT_FIELDS,
            widgets={"notes": forms.Textarea(attrs={"rows": 2})},
        )
        for field in fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
        fields["email"].help_text = _("Unique within this client.")
        fields["email"].widget.attrs["autocomplete"] = "off"
        fields["first_name"].widget.attrs["autofocus"] = True
        self.fields.update(fields)

    @classmethod
    def for_contact(cls, contact: Contact, **kwargs) -> "ContactForm":
        initial = {name: getattr(contact, name) for name in TEXT_FIELDS}
        initial |= {
            "version": contact.version,
            "is_primary": contact.is_primary,
            "is_secondary": contact.is_secondary,
            "active": contact.active,
        }
        for entry, _options in kwargs.get("choices") or []:
            initial[f"belong_{entry.key}"] = entry.chosen(contact=contact)
        return cls(initial=initial, **kwargs)

    def belonging(self):
        """The fields of what the contact belongs to in other domains (per-user agreements)."""
        return [self[f"belong_{entry.key}"] for entry, _options in self.choices]

    def belongs(self) -> dict[str, list[int]]:
        return {
            entry.key: self.cleaned_data[f"belong_{entry.key}"] for entry, _options in self.choices
        }

    def person(self):
        return [self[name] for name in PERSON]

    def address(self):
        return [self[name] for name in ADDRESS]

    def service_fields(self) -> dict:
        """What contacts.services takes besides the roles."""
        return {name: self.cleaned_data[name] for name in (*TEXT_FIELDS, "active")}

    def focus_first_error(self) -> None:
        for name in self.fields:
            if name in self.errors:
                self.fields["first_name"].widget.attrs.pop("autofocus", None)
                self.fields[name].widget.attrs["autofocus"] = True
                return


class ContactIdsField(forms.Field):
    """The ticked rows (`ids=<id>` several times) as a list of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise ValidationError(_("Select contacts from the list.")) from None


YES_NO = (("yes", _("Yes")), ("no", _("No")))


class ContactBulkForm(forms.Form):
    ACTIONS = (
        ("title", _("Set the job title")),
        ("active", _("Set active or inactive")),
        ("secondary", _("Make or unmake secondary")),
        ("delete", _("Delete")),
    )

    ids = ContactIdsField(error_messages={"required": _("Select at least one contact.")})
    action = forms.ChoiceField(choices=ACTIONS)
    return_query = forms.CharField(required=False)
    title = forms.CharField(required=False, max_length=120)
    active = forms.ChoiceField(required=False, choices=YES_NO)
    secondary = forms.ChoiceField(required=False, choices=YES_NO)

    def __init__(self, *args, choices: list | None = None, **kwargs):
        """`choices`: [(core.registry.ContactChoice, options)]: each adds the action
        `belong_<key>` whose `belong_<key>` value is "join:<id>" or "leave:<id>"."""
        super().__init__(*args, **kwargs)
        self.choices = list(choices or [])
        self.fields["action"].choices = [
            *self.ACTIONS,
            *[(f"belong_{entry.key}", entry.label) for entry, _options in self.choices],
        ]
        for entry, options in self.choices:
            self.fields[f"belong_{entry.key}"] = forms.ChoiceField(
                label=entry.label,
                required=False,
                choices=[
                    *[(f"join:{pk}", _("Add to %(name)s") % {"name": label}) for pk, label in options],
                    *[(f"leave:{pk}", _("Remove from %(name)s") % {"name": label}) for pk, label in options],
                ],
            )  # fmt: skip

    def belong_change(self) -> tuple[str, int, bool] | None:
        """(key, target id, join) when the action is one of the other domains' ones."""
        action = self.cleaned_data["action"]
        if not action.startswith("belong_"):
            return None
        move, _sep, pk = self.cleaned_data[action].partition(":")
        return action.removeprefix("belong_"), int(pk), move == "join"

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if (
            (action or "").startswith("belong_")
            and not data.get(action)
            and action not in self.errors
        ):
            self.add_error(action, _("Choose what to add them to or remove them from."))
        if action == "title" and not (data.get("title") or "").strip():
            self.add_error("title", _("Type the job title to set."))
        if action == "active" and not data.get("active") and "active" not in self.errors:
            self.add_error("active", _("Choose active or inactive."))
        if action == "secondary":
            if not data.get("secondary") and "secondary" not in self.errors:
                self.add_error("secondary", _("Choose whether they are secondary."))
            elif data.get("secondary") == "yes" and len(data.get("ids") or []) > 1:
                self.add_error(
                    "secondary",
                    _("A client has at most one secondary contact: select only one to make it."),
                )
        return data
