from django.apps import AppConfig


class OnboardingConfig(AppConfig):
    """Bringing a client in, with its primary contact and its portal invitation, in one write:
    the Add client pages, `POST /api/v1/clients` and the clients import go through it."""

    name = "clientdesk.onboarding"
    label = "onboarding"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry
        from clientdesk.onboarding.api import join_clients_router

        join_clients_router()

        registry.account_urls.add(
            registry.AccountUrls("onboarding", "clients/", "clientdesk.onboarding.views", 5)
        )
        for entry in (
            registry.AddClientEntry(
                "manual",
                _("Add manually"),
                _("Type in one client's details"),
                "client_create",
                "pencil",
                order=10,
            ),
            registry.AddClientEntry(
                "invite",
                _("Invite client"),
                _("A name, a contact's email: they get a portal invitation"),
                "client_invite_new",
                "mail-plus",
                order=20,
                capability="clients.invite",
            ),
        ):
            registry.add_client_entries.add(entry)
