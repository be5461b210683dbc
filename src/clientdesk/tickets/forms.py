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


class _ManyFilesInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class ManyFilesField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the
    service, as documents are."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", _ManyFilesInput(attrs={"multiple": True}))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data if d]
        return [single(data, initial)] if data else []


def files_field() -> ManyFilesField:
    return ManyFilesField(
        label=_("Files"),
        help_text=_("Up to 10 files, 25 MB each; programs and scripts are refused."),
    )


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
    files = files_field()

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
    files = files_field()


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
    files = files_field()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["autofocus"] = True


class PortalReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"), max_length=100_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = files_field()


DAYS = [
    (0, _("Monday")),
    (1, _("Tuesday")),
    (2, _("Wednesday")),
    (3, _("Thursday")),
    (4, _("Friday")),
    (5, _("Saturday")),
    (6, _("Sunday")),
]


class TicketSettingsForm(forms.Form):
    """The SLA clock (one span of hours per day, or 24×7) and the pipeline's names."""

    always_open = forms.BooleanField(
        label=_("24×7: the SLA clock never stops"),
        required=False,
        help_text=_("Otherwise it runs only in the hours below, outside holidays."),
    )

    def __init__(self, *args, found=None, labels=None, **kwargs):
        super().__init__(*args, **kwargs)
        hours = (found.hours if found else {}) or {}
        if found is not None:
            self.fields["always_open"].initial = found.always_open
        for day, name in DAYS:
            spans = hours.get(str(day)) or []
            start, end = (spans[0] if spans else ["", ""])[:2]
            self.fields[f"day_{day}_open"] = forms.BooleanField(
                label=name, required=False, initial=bool(spans)
            )
            self.fields[f"day_{day}_start"] = forms.TimeField(
                label=_("%(day)s opens") % {"day": name}, required=False, initial=start or "09:00",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )  # fmt: skip
            self.fields[f"day_{day}_end"] = forms.TimeField(
                label=_("%(day)s closes") % {"day": name}, required=False, initial=end or "17:00",
                widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            )  # fmt: skip
        for key, label in Status.choices:
            self.fields[f"label_{key}"] = forms.CharField(
                label=label, max_length=40, required=False,
                initial=(labels or {}).get(key, ""), widget=forms.TextInput(attrs={"placeholder": label}),
            )  # fmt: skip

    def day_rows(self):
        return [
            (self[f"day_{d}_open"], self[f"day_{d}_start"], self[f"day_{d}_end"]) for d, _n in DAYS
        ]

    def label_fields(self):
        return [self[f"label_{key}"] for key in Status.values]

    def clean(self):
        data = super().clean()
        for day, _name in DAYS:
            if data.get(f"day_{day}_open") and not (
                data.get(f"day_{day}_start") and data.get(f"day_{day}_end")
            ):
                self.add_error(f"day_{day}_start", _("Give the opening and closing times."))
        return data

    def hours(self) -> dict:
        data = self.cleaned_data
        return {
            day: [(data[f"day_{day}_start"], data[f"day_{day}_end"])]
            for day, _name in DAYS
            if data.get(f"day_{day}_open")
        }

    def status_labels(self) -> dict:
        return {key: self.cleaned_data.get(f"label_{key}", "") for key in Status.values}


class HolidayForm(forms.Form):
    day = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}))
    name = forms.CharField(label=_("Name"), max_length=80, required=False)


class ClientSlaForm(forms.Form):
    """A client's SLA times: first response and resolution in minutes, per kind and priority."""

    def __init__(self, *args, rows=None, **kwargs):
        super().__init__(*args, **kwargs)
        for row in rows or []:
            for part, label in (("response", _("first response")), ("resolution", _("resolution"))):
                name = f"{row['kind']}_{row['priority']}_{part}"
                self.fields[name] = forms.IntegerField(
                    label=f"{row['kind']} · {row['priority']}: {label} (minutes)",
                    min_value=1,
                    max_value=60 * 24 * 365,
                    initial=row[f"{part}_minutes"],
                )
        self.rows = rows or []

    def table(self):
        return [
            (row["kind"], row["priority"],
             self[f"{row['kind']}_{row['priority']}_response"],
             self[f"{row['kind']}_{row['priority']}_resolution"])
            for row in self.rows
        ]  # fmt: skip

    def cleaned_rows(self) -> list[dict]:
        return [
            {
                "kind": row["kind"],
                "priority": row["priority"],
                "response_minutes": self.cleaned_data[f"{row['kind']}_{row['priority']}_response"],
                "resolution_minutes": self.cleaned_data[
                    f"{row['kind']}_{row['priority']}_resolution"
                ],
            }
            for row in self.rows
        ]
