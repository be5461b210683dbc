"""The forms of Settings › Applications and of the client's Apps tab (the services check the
rules)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from clientdesk.software.models import Category


class ApplicationForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    category = forms.ChoiceField(label=_("Category"), choices=Category.choices)
    vendor = forms.CharField(label=_("Vendor"), max_length=120, required=False)
    project_value = forms.DecimalField(
        label=_("Project value"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
        help_text=_("One-off, to bring it in."),
    )
    monthly_price_per_user = forms.DecimalField(
        label=_("Monthly price per user"),
        max_digits=14,
        decimal_places=2,
        min_value=0,
        required=False,
    )
    baseline = forms.BooleanField(
        label=_("Part of the baseline stack"),
        required=False,
        help_text=_("Every client of the industries below should have it: it counts as missing."),
    )
    baseline_industries = forms.MultipleChoiceField(
        label=_("Baseline for the industries"),
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=_("None ticked: every industry."),
    )

    def __init__(self, *args, industries=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["baseline_industries"].choices = [(str(i.pk), i.name) for i in industries]


class ClientAppForm(forms.Form):
    application = forms.IntegerField(min_value=1)
    problematic = forms.BooleanField(required=False)
    note = forms.CharField(max_length=500, required=False)


class ClientAppEditForm(forms.Form):
    problematic = forms.BooleanField(required=False)
    note = forms.CharField(max_length=500, required=False)
