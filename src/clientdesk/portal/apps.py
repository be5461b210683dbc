from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "clientdesk.portal"
    label = "portal"

    def ready(self) -> None:
        from clientdesk.core.signals import message_failed

        message_failed.connect(_invitation_failed, dispatch_uid="portal.invitation_failed")
        _plug_in()


def _invitation_failed(sender, message, **kwargs) -> None:
    from clientdesk.portal.services import portal_invitation_failed

    portal_invitation_failed(message=message)


def _plug_in() -> None:
    """The portal's places on the staff client page and in the portal's own navigation."""
    from django.utils.translation import gettext_lazy as _

    from clientdesk.core import registry
    from clientdesk.portal import panels

    registry.daily_jobs.add(
        registry.DailyJob(
            "engagements_settle",
            "clientdesk.portal.tasks:engagements_settle_all",
            _("clients whose invitations lapsed set back to silent"),
            30,
        )
    )

    registry.account_urls.add(
        registry.AccountUrls("portal_staff", "clients/", "clientdesk.portal.views.staff", 30)
    )
    registry.client_panels.add(
        registry.ClientPanel(
            "invite", "portal/client_invite.html", panels.invite_button, "actions", 10,
            "clients.invite",
        )
    )  # fmt: skip
    registry.contact_facts.add(registry.ContactFacts("portal", panels.contact_portal_states))
    registry.api_routers.add(registry.ApiRouter("portal", "clientdesk.portal.api:router", 40))
    registry.demo_steps.add(registry.DemoStep("portal", _demo, 30, logins=_demo_logins))
    registry.client_panels.add(
        registry.ClientPanel("portal", "portal/client_portal.html", panels.portal_card, "overview")
    )
    for section in (
        registry.PortalSection("home", _("Home"), "portal_home", "house", 10),
        registry.PortalSection("contacts", _("Contacts"), "portal_contacts", "users", 20),
        registry.PortalSection("profile", _("Profile"), "portal_profile", "user-cog", 90),
    ):
        registry.portal_sections.add(section)


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.portal.demo import demo_portal_create

    made = demo_portal_create(account=account, seed=seed)
    return f"{made} portal invitations" if made else ""


def _demo_logins(account) -> list[tuple[str, str, str, str]]:
    from clientdesk.portal.demo import demo_portal_logins

    return demo_portal_logins(account)
