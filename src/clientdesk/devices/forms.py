"""Forms of the Devices tab and Settings › Devices: they check shape only; devices.services
keeps the rules (MAC and IP formats, a serial unique within the client) and says what is wrong."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from clientdesk.devices.models import Device, DeviceType

TEXT_FIELDS = ("name", "os", "manufacturer", "model", "serial", "ip", "mac", "location", "notes")


class DeviceForm(forms.Form):
    """Add or edit one device (the dialog of the Devices tab)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    return_query = forms.CharField(widget=forms.HiddenInput, required=False)
    online = forms.BooleanField(label=_("Online"), required=False)
    last_seen_at = forms.DateTimeField(
        label=_("Last seen"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(
        self,
        *args,
        type_labels: dict[str, str] | None = None,
        custom: list[dict[str, str]] | None = None,
        **kwargs,
    ):
        super().__init__(*args, **kwargs)
        self.custom = list(custom or [])
        fields = forms.fields_for_model(
            Device,
            fields=(*TEXT_FIELDS[:1], "type", *TEXT_FIELDS[1:]),
            widgets={"notes": forms.Textarea(attrs={"rows": 2})},
        )
        for field in fields.values():
            field.label = field.label[:1].upper() + field.label[1:]
        labels = type_labels or dict(DeviceType.choices)
        fields["type"].choices = [(value, labels[value]) for value in DeviceType.values]
        fields["serial"].help_text = _("Unique within this client.")
        fields["mac"].help_text = _("Like 00:1A:2B:3C:4D:5E.")
        fields["name"].widget.attrs["autofocus"] = True
        self.fields.update(fields)
        self.order_fields(["name", "type", "os", "manufacturer", "model", "serial", "ip", "mac"])
        for field in self.custom:
            self.fields[f"cf_{field['key']}"] = forms.CharField(
                label=field["label"], required=False, max_length=500
            )

    @classmethod
    def for_device(cls, device: Device, **kwargs) -> "DeviceForm":
        initial = {name: getattr(device, name) for name in (*TEXT_FIELDS, "type", "online")}
        initial |= {"version": device.version, "last_seen_at": device.last_seen_at}
        initial |= {f"cf_{k}": v for k, v in (device.custom_fields or {}).items()}
        return cls(initial=initial, **kwargs)

    def custom_bound(self):
        """The account's own fields, for the dialog's "More" group."""
        return [self[f"cf_{f['key']}"] for f in self.custom]

    def main(self):
        return [self[n] for n in ("name", "type", "os", "manufacturer", "model", "serial")]

    def network(self):
        return [self[n] for n in ("ip", "mac", "location", "last_seen_at")]

    def service_fields(self) -> dict:
        fields = {
            name: self.cleaned_data[name]
            for name in (*TEXT_FIELDS, "type", "online", "last_seen_at")
        }
        if self.custom:
            fields["custom_fields"] = {
                f["key"]: self.cleaned_data[f"cf_{f['key']}"] for f in self.custom
            }
        return fields

    def focus_first_error(self) -> None:
        for name in self.fields:
            if name in self.errors:
                self.fields["name"].widget.attrs.pop("autofocus", None)
                self.fields[name].widget.attrs["autofocus"] = True
                return


class DeviceIdsField(forms.Field):
    """The ticked rows (`ids=<id>` several times) as a list of ints."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value) -> list[int]:
        try:
            return sorted({int(v) for v in value or []})
        except (TypeError, ValueError):
            raise ValidationError(_("Select devices from the list.")) from None


class DeviceBulkForm(forms.Form):
    ACTIONS = (
        ("type", _("Set the type")),
        ("location", _("Set the location")),
        ("delete", _("Delete")),
    )

    ids = DeviceIdsField(error_messages={"required": _("Select at least one device.")})
    action = forms.ChoiceField(choices=ACTIONS)
    return_query = forms.CharField(required=False)
    type = forms.ChoiceField(required=False, choices=DeviceType.choices)
    location = forms.CharField(required=False, max_length=200)

    def clean(self):
        data = super().clean()
        if data.get("action") == "type" and not data.get("type") and "type" not in self.errors:
            self.add_error("type", _("Choose the type to set."))
        if data.get("action") == "location" and not (data.get("location") or "").strip():
            self.add_error("location", _("Type the location to set."))
        return data


class DeviceSettingsForm(forms.Form):
    rmm_url_pattern = forms.CharField(
        label=_("RMM device address"),
        required=False,
        max_length=500,
        help_text=_(
            "The address of a device in your RMM, with {serial} or {name} where the device goes, "
            "like https://rmm.example.com/devices?serial={serial}. Leave empty for no link."
        ),
    )

    NEW_ROWS = 3

    def __init__(
        self, *args, labels: dict[str, str], custom: list[dict[str, str]] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.custom = list(custom or [])
        for value, default in DeviceType.choices:
            self.fields[f"label_{value}"] = forms.CharField(
                label=_("Name of “%(tier)s”") % {"tier": default},
                required=False,
                max_length=40,
                initial=labels.get(value, ""),
                help_text=_("Empty: “%(tier)s”.") % {"tier": default},
            )

        for field in self.custom:
            self.fields[f"cfl_{field['key']}"] = forms.CharField(
                label=_("Field “%(label)s”") % {"label": field["label"]},
                required=False,
                max_length=60,
                initial=field["label"],
                help_text=_("Rename it here; empty removes it (its values stay kept)."),
            )
        for n in range(1, self.NEW_ROWS + 1):
            self.fields[f"cfnew_{n}"] = forms.CharField(
                label=_("New field %(n)d") % {"n": n}, required=False, max_length=60
            )

    def type_labels(self) -> dict[str, str]:
        return {value: self.cleaned_data[f"label_{value}"] for value in DeviceType.values}

    def tier_fields(self):
        return [self[f"label_{value}"] for value in DeviceType.values]

    def custom_bound(self):
        return [self[f"cfl_{f['key']}"] for f in self.custom] + [
            self[f"cfnew_{n}"] for n in range(1, self.NEW_ROWS + 1)
        ]

    def custom_labels(self) -> list[tuple[str | None, str]]:
        """(key, label) of each kept field, then (None, label) of each new one."""
        kept = [(f["key"], self.cleaned_data[f"cfl_{f['key']}"]) for f in self.custom]
        new = [(None, self.cleaned_data[f"cfnew_{n}"]) for n in range(1, self.NEW_ROWS + 1)]
        return kept + new
