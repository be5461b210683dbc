from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientdesk.core"
    label = "core"
    verbose_name = "Clientdesk core"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry

        registry.api_routers.add(registry.ApiRouter("account", "clientdesk.core.api:router", 10))
        registry.nav.add(registry.NavItem("home", _("Home"), "account_home", "house", 10))
        registry.nav.add(
            registry.NavItem(
                "settings", _("Settings"), "account_settings", "settings", 90,
                "account.manage", section="settings",
            )
        )  # fmt: skip
        for entry in (
            registry.SettingsSection("account", _("Account"), "account_settings", "settings", 10),
            registry.SettingsSection("team", _("Team"), "team", "users", 20),
            registry.SettingsSection("outbox", _("Outbox"), "outbox", "inbox", 40),
            registry.SettingsSection("activity", _("Activity"), "activity", "activity", 50),
        ):
            registry.settings_sections.add(entry)
