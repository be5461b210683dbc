from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clientdesk.clients"
    label = "clients"

    def ready(self) -> None:
        from clientdesk.clients.visibility import client_visibility
        from clientdesk.core.signals import account_created, account_updated
        from clientdesk.core.tenancy import client_rule_set

        client_rule_set(client_visibility)
        _plug_in()

        account_created.connect(_seed, dispatch_uid="clients.industries_seed")
        account_updated.connect(_time_zone_moved, dispatch_uid="clients.time_zone_moved")


def _seed(sender, account, **kwargs) -> None:
    from clientdesk.clients.services import industries_seed

    industries_seed(account=account)


def _time_zone_moved(sender, account, changes, **kwargs) -> None:
    if "time_zone" in changes:
        from clientdesk.clients.tasks import derived_rebuild

        derived_rebuild.enqueue(account.pk)


def _plug_in() -> None:
    """The clients domain's places in the frame and the demo (core.registry)."""
    from django.utils.translation import gettext_lazy as _

    from clientdesk.core import registry

    registry.nav.add(
        registry.NavItem("clients", _("Clients"), "client_list", "users", 20, section="clients/")
    )
    registry.account_urls.add(
        registry.AccountUrls("clients", "clients/", "clientdesk.clients.urls")
    )
    registry.client_tabs.add(
        registry.ClientTab("overview", _("Overview"), "client_detail", "history", 10)
    )
    registry.demo_steps.add(registry.DemoStep("clients", _demo, 10))
    registry.account_urls.add(
        registry.AccountUrls(
            "industries", "settings/industries/", "clientdesk.clients.views.industries"
        )
    )
    registry.settings_sections.add(
        registry.SettingsSection(
            "industries", _("Industries"), "industries", "tag", 25, "account.manage"
        )
    )
    registry.api_routers.add(registry.ApiRouter("clients", "clientdesk.clients.api:router", 20))


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.clients.demo import demo_clients_create

    made = demo_clients_create(account=account, count=clients, seed=seed)
    return f"{made} clients" if made else ""
