"""The ticket pages' forms: a new ticket, an edit, a reply. The rules live in services.py;
a form checks shapes and lists only what the person may pick."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clientdesk.core.models import User
from clientdesk.tickets.models import Kind, Priority, Status


def _people(account):
    from clientdesk.core.models import Membership

    return User.objects.filter(
        pk__in=Membership.objects.for_account(account).values("user_id")
    ).order_by("name", "email")


class _PeopleChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.display_name


class _ContactChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.full_name} <{obj.email}>" if obj.email else obj.full_name


class TicketForm(forms.Form):
    """A new ticket for a client already chosen (the client page's Log a job, the New ticket
    page after picking the client)."""

    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.JOB)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    priority = forms.ChoiceField(
        label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL
    )
    requester = _ContactChoice(label=_("Requester"), queryset=None, required=False)
    assignee = _PeopleChoice(label=_("Assignee"), queryset=None, required=False)

    def __init__(self, *args, client, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["requester"].queryset = client.contacts.filter(deleted_at=None).order_by(
            "last_name", "first_name"
        )
        self.fields["assignee"].queryset = _people(client.account)
        self.fields["title"].widget.attrs["autofocus"] = True


class TicketEditForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices)
    requester = _ContactChoice(label=_("Requester"), queryset=None, required=False)
    assignee = _PeopleChoice(label=_("Assignee"), queryset=None, required=False)

    def __init__(self, *args, ticket, status_labels=None, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "version": ticket.version,
                "title": ticket.title,
                "description": ticket.description,
                "kind": ticket.kind,
                "priority": ticket.priority,
                "status": ticket.status,
                "requester": ticket.requester_id,
                "assignee": ticket.assignee_id,
            },
        )
        super().__init__(*args, **kwargs)
        client = ticket.client
        self.fields["requester"].queryset = client.contacts.filter(deleted_at=None).order_by(
            "last_name", "first_name"
        )
        self.fields["assignee"].queryset = _people(client.account)
        if status_labels:
            self.fields["status"].choices = list(status_labels.items())

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            name: data[name]
            for name in (
                "title",
                "description",
                "kind",
                "priority",
                "status",
                "requester",
                "assignee",
            )
        }


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    public = forms.TypedChoiceField(
        label=_("Visible to"),
        choices=[("1", _("The client (public reply)")), ("0", _("The team only (internal note)"))],
        coerce=lambda v: v == "1",
        initial="1",
        widget=forms.RadioSelect,
    )
    minutes = forms.IntegerField(
        label=_("Time spent (minutes)"), min_value=0, max_value=24 * 60, required=False
    )


class MoveForm(forms.Form):
    """A move along the pipeline, from the board."""

    status = forms.ChoiceField(label=_("Move to"), choices=Status.choices)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class PortalRequestForm(forms.Form):
    title = forms.CharField(label=_("What do you need?"), max_length=200)
    description = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 6})
    )
    priority = forms.ChoiceField(
        label=_("How urgent is it?"), choices=Priority.choices, initial=Priority.NORMAL
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 4})
    )
