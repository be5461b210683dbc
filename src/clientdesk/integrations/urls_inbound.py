"""Settings › Email in, below /a/<account_slug>/settings/email-in/."""

from django.urls import path

from clientdesk.integrations.views import email_in

urlpatterns = [path("", email_in, name="email_in")]
