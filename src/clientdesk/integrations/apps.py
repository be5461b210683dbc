from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "clientdesk.integrations"
    label = "integrations"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.audit.events import subscribe
        from clientdesk.core import registry
        from clientdesk.integrations.mailout import reply_mail, status_mail

        registry.account_urls.add(
            registry.AccountUrls("tokens", "settings/tokens/", "clientdesk.integrations.urls")
        )
        registry.settings_sections.add(
            registry.SettingsSection(
                "tokens", _("API tokens"), "api_tokens", "key-round", 30, "tokens.manage"
            )
        )
        # Email in and out (integrations/inbound.py, api_inbound.py, mailout.py).
        registry.account_urls.add(
            registry.AccountUrls(
                "email_in", "settings/email-in/", "clientdesk.integrations.urls_inbound"
            )
        )
        registry.settings_sections.add(
            registry.SettingsSection(
                "email_in", _("Email in"), "email_in", "mail", 35, "tokens.manage"
            )
        )
        registry.api_routers.add(
            registry.ApiRouter("inbound_email", "clientdesk.integrations.api_inbound:router", 90)
        )
        subscribe(reply_mail)
        subscribe(status_mail)
