"""Every staff page lives below /a/<account_slug>/; AccountMiddleware resolves the account.

The core's own pages (home, settings, team, outbox, activity) are listed here; each domain adds
its own URL module through `core.registry.account_urls` from its AppConfig.ready().
"""

from django.urls import include, path

from clientdesk.core import registry
from clientdesk.core.views import home, profile, settings

urlpatterns = [
    path("", home.account_home, name="account_home"),
    path("profile/", profile.profile, name="profile"),
    path("profile/password/", profile.profile_password, name="profile_password"),
    path("settings/", settings.account_settings, name="account_settings"),
    path("settings/team/", settings.team, name="team"),
    path("settings/team/invite/", settings.team_invite, name="team_invite"),
    path("settings/team/<int:membership_id>/role/", settings.team_change_role, name="team_role"),
    path("settings/team/<int:membership_id>/remove/", settings.team_remove, name="team_remove"),
    path(
        "settings/team/<int:membership_id>/clients/",
        settings.team_client_access,
        name="team_client_access",
    ),
    path(
        "settings/team/invitations/<int:invitation_id>/revoke/",
        settings.invitation_revoke,
        name="invitation_revoke",
    ),
    path("settings/outbox/", settings.outbox, name="outbox"),
    path("settings/outbox/<int:message_id>/", settings.outbox_message, name="outbox_message"),
    path(
        "settings/outbox/<int:message_id>/html/",
        settings.outbox_message_html,
        name="outbox_message_html",
    ),
    path("settings/activity/", settings.activity, name="activity"),
    *[path(urls.prefix, include(urls.urlconf)) for urls in registry.account_urls.all()],
]
