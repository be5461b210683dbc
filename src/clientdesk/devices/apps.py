from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "clientdesk.devices"
    label = "devices"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry
        from clientdesk.devices import events, panels  # noqa: F401 - declares the verbs
        from clientdesk.devices.queries import devices_matching

        registry.account_urls.add(
            registry.AccountUrls("devices", "clients/", "clientdesk.devices.urls", 45)
        )
        registry.account_urls.add(
            registry.AccountUrls(
                "device_settings", "settings/devices/", "clientdesk.devices.settings_views", 45
            )
        )
        registry.settings_sections.add(
            registry.SettingsSection(
                "devices", _("Devices"), "device_settings", "monitor", 35, "account.manage"
            )
        )
        registry.client_tabs.add(
            registry.ClientTab("devices", _("Devices"), "client_devices", "monitor", 35)
        )
        registry.client_panels.add(
            registry.ClientPanel(
                "device_counts",
                "devices/client_device_counts.html",
                panels.device_count_rows,
                order=45,
            )
        )
        registry.client_counts.add(registry.ClientCounts("devices", panels.api_counts))
        registry.api_routers.add(registry.ApiRouter("devices", "clientdesk.devices.api:router", 45))
        registry.portal_urls.add(
            registry.PortalUrls("devices", "devices/", "clientdesk.devices.portal_urls", 30)
        )
        registry.portal_sections.add(
            registry.PortalSection("devices", _("Devices"), "portal_devices", "monitor", 30)
        )
        registry.search_groups.add(
            registry.SearchGroup(
                "devices",
                _("Devices"),
                devices_matching,
                "devices/search_group.html",
                order=25,
                limit=8,
            )
        )
        registry.demo_steps.add(registry.DemoStep("devices", _demo, 35))
        registry.client_quick_links.add(
            registry.ClientQuickLink(
                "devices", _("Devices"), "monitor", "client_devices", with_client=True, order=20
            )
        )


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.devices.demo import demo_devices_create

    made = demo_devices_create(account=account, seed=seed)
    return f"{made} devices" if made else ""
