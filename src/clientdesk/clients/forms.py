"""Forms of the client pages: they check shape only; the services check the business rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientdesk.clients import queries
from clientdesk.core.models import Membership


def split_tags(value: str) -> list[str]:
    return [name.strip() for name in (value or "").split(",") if name.strip()]


class IdListField(forms.Field):
    """Several `name=<id>` values (the ticked rows) as a list of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise ValidationError(_("Select clients from the list.")) from None


class BulkForm(forms.Form):
    ACTIONS = (
        ("manager", _("Change manager")),
        ("tag", _("Add a tag")),
        ("untag", _("Remove a tag")),
        ("archive", _("Archive")),
    )

    ids = IdListField(error_messages={"required": _("Select at least one client.")})
    action = forms.ChoiceField(choices=ACTIONS)
    manager = forms.ChoiceField(required=False)  # a user's id, or "none" to clear the manager
    tag = forms.CharField(required=False, max_length=40)

    def __init__(self, *args, membership: Membership, **kwargs):
        super().__init__(*args, **kwargs)
        self._managers = {user.pk: user for user in queries.managers(account=membership.account)}
        self.fields["manager"].choices = [("none", "none")] + [
            (str(pk), str(pk)) for pk in self._managers
        ]

    def clean(self):
        data = super().clean()
        action = data.get("action")
        if action == "tag" and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Type the tag to add."))
        if action == "untag" and not (data.get("tag") or "").strip():
            self.add_error("tag", _("Type the tag to remove."))
        choice = data.get("manager")
        if action == "manager" and not choice and "manager" not in self.errors:
            self.add_error("manager", _("Choose the new manager."))
        elif action == "manager" and choice:
            data["manager"] = None if choice == "none" else self._managers[int(choice)]
        return data
