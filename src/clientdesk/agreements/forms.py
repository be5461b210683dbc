"""The agreement form of Settings › Agreements (the service checks the rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clientdesk.agreements.models import Kind, State


class AgreementForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    starts_on = forms.DateField(
        label=_("Start date"), widget=forms.DateInput(attrs={"type": "date"})
    )
    ends_on = forms.DateField(
        label=_("End date"),
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Its last day, included."),
    )
    monthly_price = forms.DecimalField(
        label=_("Price per month"), max_digits=12, decimal_places=2, min_value=0, required=False
    )
    hours = forms.DecimalField(
        label=_("Hours"),
        max_digits=8,
        decimal_places=2,
        required=False,
        help_text=_("Blocks of hours only."),
    )
    notes = forms.CharField(
        label=_("Notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    contacts = forms.MultipleChoiceField(
        label=_("Contacts covered"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("All-you-can-eat per user only: the contacts this agreement covers."),
    )

    def __init__(self, *args, contacts=(), show_money: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.contact_objects = {str(c.pk): c for c in contacts}
        self.fields["contacts"].choices = [(str(c.pk), str(c)) for c in contacts]
        if not show_money:
            del self.fields["monthly_price"]

    def chosen_contacts(self) -> list:
        return [self.contact_objects[pk] for pk in self.cleaned_data.get("contacts") or []]


class EndForm(forms.Form):
    on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))


class AgreementFilters(forms.Form):
    client = forms.IntegerField(required=False, min_value=1)
    q = forms.CharField(required=False, max_length=200, strip=True)
    state = forms.ChoiceField(required=False, choices=[("", _("All states")), *State.choices])
