"""The Insights page's range (a GET form): a preset, or a custom first and last day."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientdesk.core.forms import add_errors
from clientdesk.insights.metrics import (
    DEFAULT_PRESET,
    PRESETS,
    Range,
    preset_range,
    range_check,
)


class RangeForm(forms.Form):
    range = forms.ChoiceField(label=_("Range"), choices=list(PRESETS.items()), required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, data, *, today, **kwargs):
        data = data.copy()
        if not data.get("range"):
            data["range"] = "custom" if data.get("start") or data.get("end") else DEFAULT_PRESET
        super().__init__(data, **kwargs)
        self.today = today

    def clean(self):
        data = super().clean()
        preset = data.get("range") or DEFAULT_PRESET
        if preset != "custom":
            chosen = preset_range(preset, self.today)
            data["start"], data["end"] = chosen.start, chosen.end
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Choose the first day."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Choose the last day."))
        if start and end:
            try:
                range_check(start, end)
            except ValidationError as exc:
                add_errors(self, exc)
        return data

    def chosen(self) -> Range:
        data = self.cleaned_data
        return Range(data["start"], data["end"], data.get("range") or DEFAULT_PRESET)
