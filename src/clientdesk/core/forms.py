import zoneinfo
from datetime import timedelta

from django import forms
from django.conf import settings
from django.contrib.auth.forms import (
    AuthenticationForm,
    PasswordChangeForm,
    PasswordResetForm,
    SetPasswordForm,
)
from django.contrib.auth.password_validation import password_validators_help_texts
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clientdesk.core.emails import email_queue
from clientdesk.core.models import PRIORITIES, Account, ClientAccess, MembershipClient, Message
from clientdesk.core.roles import Role
from clientdesk.core.tenancy import unscoped


class SignInForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    # Django's own words call both fields case-sensitive; the email is not (any case signs in).
    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The email or the password is wrong. Capitals count in the password, not in the email."
        ),
    }


class ProfileForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("Email"), max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )
    current_password = forms.CharField(
        label=_("Your password, to change your email"),
        required=False,
        strip=False,
        help_text=_("Not needed to change your name."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class PasswordForm(PasswordChangeForm):
    """Django's own, with the password rules spelled out under the new password."""

    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("This is not your current password."),
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["old_password"].widget.attrs.pop("autofocus", None)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())


class ResetForm(PasswordResetForm):
    """Sends the reset link through the app's message store instead of send_mail, at most
    PASSWORD_RESET_EMAILS_PER_HOUR to one address (staff and portal links together), so that
    the form cannot be used to flood someone's inbox. The page answers the same either way:
    it never tells whether an address is known or how often it was asked for."""

    email_template = "core/email/password_reset"

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        # Reset emails to people in no account belong to none: the throttle reads across.
        with unscoped():
            recent = Message.objects.filter(
                account=None,
                kind="password_reset",
                to=to_email,
                created_at__gte=timezone.now() - timedelta(hours=1),
            ).count()
        if recent >= settings.PASSWORD_RESET_EMAILS_PER_HOUR:
            return
        email_queue(
            account=None,
            to=to_email,
            kind="password_reset",
            template=self.email_template,
            context=context,
        )


class AccountForm(forms.ModelForm):
    time_zone = forms.ChoiceField(
        label=_("Time zone"), choices=[(tz, tz) for tz in sorted(zoneinfo.available_timezones())]
    )

    class Meta:
        model = Account
        fields = ["name", "time_zone", "currency", "ticket_number_format", "account_code"]
        help_texts = {
            "account_code": _("2–10 letters A–Z or digits: the {account} token of ticket numbers."),
            "ticket_number_format": _(
                "Tokens: {account}, {client}, {seq}. Example: {client}-{seq} gives ACME-001."
            ),
            "currency": _("Three letters, e.g. EUR, USD, GBP."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        sla = self.instance.default_sla or {}
        for priority in PRIORITIES:
            times = sla.get(priority, {})
            for kind, label in (("response", _("first response")), ("resolution", _("resolution"))):
                self.fields[f"sla_{priority}_{kind}"] = forms.IntegerField(
                    label=f"{priority.capitalize()}: {label} (minutes)",
                    min_value=1,
                    max_value=60 * 24 * 365,
                    initial=times.get(f"{kind}_minutes"),
                )

    def sla_rows(self):
        """(priority, first-response field, resolution field) for the SLA table."""
        return [
            (p.capitalize(), self[f"sla_{p}_response"], self[f"sla_{p}_resolution"])
            for p in PRIORITIES
        ]

    def cleaned_sla(self) -> dict:
        return {
            priority: {
                "response_minutes": self.cleaned_data[f"sla_{priority}_response"],
                "resolution_minutes": self.cleaned_data[f"sla_{priority}_resolution"],
            }
            for priority in PRIORITIES
        }


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices, initial=Role.TECHNICIAN)


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)


class AcceptInvitationForm(SetPasswordForm):
    name = forms.CharField(label=_("Your name"), max_length=150)
    field_order = ["name", "new_password1", "new_password2"]

    def __init__(self, *args, **kwargs):
        super().__init__(None, *args, **kwargs)
        self.fields["new_password1"].help_text = " ".join(password_validators_help_texts())


class ClientAccessForm(forms.Form):
    client_access = forms.ChoiceField(
        label=_("Sees"), choices=ClientAccess.choices, widget=forms.RadioSelect
    )
    prefixes = forms.CharField(
        label=_("Clients"),
        required=False,
        help_text=_(
            "Client prefixes, separated by commas, e.g. BPM, ACME. Sub-clients come along."
        ),
    )

    def __init__(self, *args, account=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def clean_prefixes(self):
        # The client model, known through the core's own relation, not by importing its domain.
        clients = MembershipClient._meta.get_field("client").related_model._default_manager
        wanted = {p.strip().upper() for p in self.cleaned_data["prefixes"].split(",") if p.strip()}
        found = list(clients.for_account(self.account).filter(prefix__in=wanted, deleted_at=None))
        missing = sorted(wanted - {c.prefix for c in found})
        if missing:
            raise forms.ValidationError(
                _("No client has the prefix %(prefixes)s.") % {"prefixes": ", ".join(missing)}
            )
        return found


class ColumnsForm(forms.Form):
    """The column chooser and the default page size, remembered per person."""

    columns = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    page_size = forms.TypedChoiceField(coerce=int)

    def __init__(self, *args, columns: list[tuple[str, str]], sizes: tuple[int, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["columns"].choices = columns
        self.fields["page_size"].choices = [(n, n) for n in sizes]


def add_errors(form, exc: ValidationError, rename: dict[str, str] | None = None) -> None:
    """A service's messages beside the form's fields (`rename` maps the service's names to the
    form's), or above the form when no field fits."""
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.error_dict.items():
        name = (rename or {}).get(name, name)
        form.add_error(name if name in form.fields else None, errors)
