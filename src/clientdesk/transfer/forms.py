"""Forms of the Bulk import pages: the upload, and the column mapping of one import.

They check shape only (a kind, a file under the size limit, one field per column); the
services check the rest (readable file, known fields, required fields mapped).
"""

from django import forms
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from clientdesk.transfer import services
from clientdesk.transfer.kinds import KINDS, Kind
from clientdesk.transfer.models import Mode

ACCEPT = (
    ".csv,.xlsx,.txt,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
)
MODE_HELP = {
    Mode.CREATE: _("Adds new records only; a row that matches an existing one is rejected."),
    Mode.UPSERT: _(
        "Adds new records and updates the ones that match; running the same file again "
        "changes nothing."
    ),
}
# What an existing record is matched on, per kind, for the mode explanations.
KEY_HELP = {
    "clients": _("Clients match on their prefix."),
    "contacts": _("Contacts match on their client's prefix and their email."),
    "devices": _(
        "Devices match on their client's prefix and their serial, or without a serial on their"
        " name."
    ),
    "applications": _("Applications match on their name, ignoring case."),
}


def _limit() -> str:
    return filesizeformat(services.MAX_UPLOAD_BYTES)


class UploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"), widget=forms.RadioSelect)
    file = forms.FileField(
        label=_("File"),
        error_messages={
            "required": _("Choose the CSV or XLSX file to import."),
            "empty": _("The file is empty."),
        },
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
    )
    mode = forms.ChoiceField(
        label=_("Mode"), choices=Mode.choices, initial=Mode.UPSERT, widget=forms.RadioSelect
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [(kind.name, kind.label) for kind in KINDS.values()]
        self.fields["file"].help_text = _(
            "CSV (any common encoding and separator) or Excel XLSX, up to %(limit)s. "
            "The first row holds the column names."
        ) % {"limit": _limit()}

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > services.MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("This file is %(size)s; the limit is %(limit)s. Split it into smaller files."),
                params={"size": filesizeformat(upload.size), "limit": _limit()},
            )
        return upload

    @property
    def mode_options(self):
        """Each mode's radio with its one-line explanation."""
        return [(radio, MODE_HELP[radio.data["value"]]) for radio in self["mode"]]

    @property
    def focus(self) -> str:
        """The field that takes the focus: the first with an error, else the first."""
        return next((name for name in self.fields if name in self.errors), "kind")

    def focus_first_error(self) -> None:
        # The radio groups are drawn by the template (autofocus on one radio only, never on
        # each); the file input is Django's widget.
        if self.focus == "file":
            self.fields["file"].widget.attrs["autofocus"] = True


class MappingForm(forms.Form):
    """One drop-down per column of the file: the field it fills, or ignored."""

    def __init__(
        self,
        *args,
        kind: Kind,
        headers: list[str],
        mapping: list[str],
        fixed: set[str] = frozenset(),
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.kind = kind
        self.fixed = fixed  # fields the import fills itself (the client of a Contacts tab's)
        self.headers = headers
        choices = [("", _("Ignore this column"))] + [
            (
                c.name,
                _("%(label)s (required)") % {"label": c.label}
                if c.required and c.name not in fixed
                else c.label,
            )
            for c in kind.columns
        ]
        for position, header in enumerate(headers):
            field = forms.ChoiceField(
                label=header or _("Column %(n)s (no name)") % {"n": position + 1},
                choices=choices,
                required=False,
                initial=mapping[position] if position < len(mapping) else "",
            )
            self.fields[self.name_of(position)] = field
        if self.fields:
            self.fields[self.name_of(0)].widget.attrs["autofocus"] = True

    @staticmethod
    def name_of(position: int) -> str:
        return f"column_{position}"

    @property
    def rows(self):
        """(position, bound field) per column of the file, in the file's order."""
        return [(i, self[self.name_of(i)]) for i in range(len(self.headers))]

    def mapping(self) -> list[str]:
        return [self.cleaned_data.get(self.name_of(i), "") for i in range(len(self.headers))]

    def clean(self):
        data = super().clean()
        chosen: dict[str, list[int]] = {}
        for position in range(len(self.headers)):
            value = data.get(self.name_of(position))
            if value:
                chosen.setdefault(value, []).append(position)
        for field_name, positions in chosen.items():
            if len(positions) < 2:
                continue
            label = self.kind.column(field_name).label
            for position in positions:
                self.add_error(
                    self.name_of(position),
                    _("%(field)s is chosen for more than one column; keep one.") % {"field": label},
                )
        missing = [
            c.label for c in self.kind.required if c.name not in chosen and c.name not in self.fixed
        ]
        if missing:
            raise ValidationError(
                _("Choose the column that holds each required field: %(fields)s.")
                % {"fields": ", ".join(str(label) for label in missing)},
                code="required",
            )
        return data

    def focus_first_error(self) -> None:
        for name in self.fields:
            if name in self.errors:
                self.fields[self.name_of(0)].widget.attrs.pop("autofocus", None)
                self.fields[name].widget.attrs["autofocus"] = True
                return
