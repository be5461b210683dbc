from django import forms
from django.utils.translation import gettext_lazy as _

from clientdesk.core.forms import ResetForm, SignInForm
from clientdesk.core.models import User
from clientdesk.portal.models import PortalAccess
from clientdesk.portal.queries import sign_in_problem


class PortalSignInForm(SignInForm):
    """Email and password through Django's authenticate (so django-axes counts failures), then
    refused with a clear message when the person's client portal is closed."""

    def __init__(self, *args, for_invitation: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.for_invitation = for_invitation

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if self.for_invitation:
            return  # signing in to accept an invitation: the access comes with it
        problem = sign_in_problem(user=user)
        if problem:
            raise forms.ValidationError(problem, code="portal_closed")


class PortalResetForm(ResetForm):
    """The portal's reset link, through the app's message store, to portal users only."""

    email_template = "portal/password_reset_email"

    def get_users(self, email):
        users = super().get_users(email)
        return (u for u in users if PortalAccess.objects.of_user(u).filter(active=True).exists())


class ProfileForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["name"]
        labels = {"name": _("Your name")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = True


class ColleagueForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=80)
    last_name = forms.CharField(label=_("Last name"), max_length=80, required=False)
    email = forms.EmailField(label=_("Email"))
    title = forms.CharField(label=_("Job title"), max_length=120, required=False)
