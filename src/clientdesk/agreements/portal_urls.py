"""The client's agreements in the portal, below /portal/agreements/."""

from django.urls import path

from clientdesk.agreements.views import portal

urlpatterns = [path("", portal.portal_agreements, name="portal_agreements")]
