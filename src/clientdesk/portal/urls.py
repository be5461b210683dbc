"""The client portal below /portal/. Every page but sign-in, reset and the invitation link goes
through portal.views.base.portal_view (portal.queries.portal_scope)."""

from django.urls import include, path

from clientdesk.core import registry
from clientdesk.portal.views import accept, auth, pages

urlpatterns = [
    path("", pages.home, name="portal_home"),
    path("contacts/", pages.contacts, name="portal_contacts"),
    path("contacts/invite/", pages.contact_invite_new, name="portal_contact_invite_new"),
    path("contacts/<int:contact_id>/invite/", pages.contact_invite, name="portal_contact_invite"),
    path(
        "contacts/<int:contact_id>/deactivate/",
        pages.contact_deactivate,
        name="portal_contact_deactivate",
    ),
    path("profile/", pages.profile, name="portal_profile"),
    path("switch/", pages.switch, name="portal_switch"),
    path("sign-in/", auth.PortalSignInView.as_view(), name="portal_login"),
    path("sign-out/", auth.PortalSignOutView.as_view(), name="portal_logout"),
    path("password-reset/", auth.PortalResetView.as_view(), name="portal_password_reset"),
    path(
        "password-reset/sent/",
        auth.PortalResetDoneView.as_view(),
        name="portal_password_reset_done",
    ),
    path(
        "reset/<uidb64>/<token>/",
        auth.PortalResetConfirmView.as_view(),
        name="portal_password_reset_confirm",
    ),
    path(
        "reset/done/",
        auth.PortalResetCompleteView.as_view(),
        name="portal_password_reset_complete",
    ),
    path("invitations/<str:token>/", accept.invitation_accept, name="portal_invitation"),
    # Other domains' portal pages (core.registry.portal_urls).
    *[path(urls.prefix, include(urls.urlconf)) for urls in registry.portal_urls.all()],
]
