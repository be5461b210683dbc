from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "clientdesk.integrations"
    label = "integrations"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry

        registry.account_urls.add(
            registry.AccountUrls("tokens", "settings/tokens/", "clientdesk.integrations.urls")
        )
        registry.settings_sections.add(
            registry.SettingsSection(
                "tokens", _("API tokens"), "api_tokens", "key-round", 30, "tokens.manage"
            )
        )
