"""The jobs report's filter form (a GET form): the client, its sub-clients, the kind, the dates.

The client is a list when the member sees few clients, a typed prefix with hints otherwise
(as the client page's Move dialog). The client page's quick link names the client by id
(`?client=<id>`); the view looks it up first, so a hidden one is a 404 like a missing one.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from clientdesk.clients.models import Client
from clientdesk.core.forms import add_errors
from clientdesk.tickets.models import Kind
from clientdesk.tickets.report import ReportFilters, range_check


class ReportForm(forms.Form):
    LIST_LIMIT = 300

    client = forms.TypedChoiceField(label=_("Client"), required=False, coerce=int, empty_value=None)
    prefix = forms.CharField(label=_("Client"), max_length=10, required=False)
    subclients = forms.BooleanField(label=_("With its sub-clients"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *Kind.choices]
    )
    start = forms.DateField(label=_("From"), widget=forms.DateInput(attrs={"type": "date"}))
    end = forms.DateField(label=_("To"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, data, *, visible: QuerySet[Client], chosen: Client | None, **kwargs):
        super().__init__(data, **kwargs)
        self.visible = visible
        self.chosen = chosen
        self.candidates = list(
            visible.order_by(Lower("name"), "id").only("pk", "name", "prefix")[
                : self.LIST_LIMIT + 1
            ]
        )
        self.typed = len(self.candidates) > self.LIST_LIMIT
        if self.typed:
            del self.fields["client"]
            self.fields["prefix"].help_text = _("Type a prefix; leave empty for every client.")
            self.fields["prefix"].widget.attrs.update(
                {"list": "report-client-options", "autocomplete": "off"}
            )
        else:
            del self.fields["prefix"]
            self.fields["client"].choices = [("", _("All clients"))] + [
                (c.pk, f"{c.name} ({c.prefix})") for c in self.candidates
            ]

    def clean(self):
        data = super().clean()
        if self.typed:
            prefix = (data.get("prefix") or "").strip().upper()
            self.chosen = self.visible.filter(prefix=prefix).first() if prefix else None
            if prefix and self.chosen is None:
                self.add_error(
                    "prefix",
                    _("No client you can see has the prefix %(prefix)s.") % {"prefix": prefix},
                )
        else:
            pk = data.get("client")
            self.chosen = next((c for c in self.candidates if c.pk == pk), None)
        start, end = data.get("start"), data.get("end")
        if start and end:
            try:
                range_check(start, end)
            except ValidationError as exc:
                add_errors(self, exc)
        return data

    def filters(self) -> ReportFilters:
        data = self.cleaned_data
        return ReportFilters(
            start=data["start"],
            end=data["end"],
            client=self.chosen,
            with_subclients=bool(data.get("subclients")) and self.chosen is not None,
            kinds=[data["kind"]] if data.get("kind") else [],
        )
