from django.apps import AppConfig


class AgreementsConfig(AppConfig):
    name = "clientdesk.agreements"
    label = "agreements"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.agreements import contact_choice, events, panels  # noqa: F401 - verbs
        from clientdesk.core import registry

        registry.account_urls.add(
            registry.AccountUrls(
                "client_agreements", "clients/", "clientdesk.agreements.client_urls", 45
            )
        )
        registry.account_urls.add(
            registry.AccountUrls(
                "agreement_settings", "settings/agreements/", "clientdesk.agreements.views.settings", 45
            )
        )  # fmt: skip
        registry.settings_sections.add(
            registry.SettingsSection(
                "agreements", _("Agreements"), "agreement_list", "shield-check", 35, "agreements.write"
            )
        )  # fmt: skip
        registry.client_tabs.add(
            registry.ClientTab(
                "agreements", _("Agreements"), "client_agreements", "shield-check", 40
            )
        )
        registry.client_panels.add(
            registry.ClientPanel(
                "agreement_coverage",
                "agreements/client_coverage.html",
                panels.coverage_rows,
                order=41,
            )
        )
        registry.client_counts.add(registry.ClientCounts("agreements", panels.api_counts, 30))
        registry.contact_choices.add(
            registry.ContactChoice(
                "agreements",
                _("Per-user agreements"),
                _("The all-you-can-eat-per-user agreements that cover this person."),
                contact_choice.options,
                contact_choice.chosen,
                contact_choice.save,
                contact_choice.change,
                "agreements.write",
                30,
            )
        )
        registry.portal_urls.add(
            registry.PortalUrls(
                "agreements", "agreements/", "clientdesk.agreements.portal_urls", 30
            )
        )
        registry.portal_sections.add(
            registry.PortalSection(
                "agreements", _("Agreements"), "portal_agreements", "shield-check", 30
            )
        )
        registry.api_routers.add(
            registry.ApiRouter("agreements", "clientdesk.agreements.api:router", 60)
        )
        registry.demo_steps.add(registry.DemoStep("agreements", _demo, 50))
        registry.daily_jobs.add(
            registry.DailyJob(
                "agreements_warn",
                "clientdesk.agreements.tasks:agreements_warn_all",
                _("agreements ending within 30 days warned of"),
                20,
            )
        )
        from clientdesk.agreements import risk

        registry.risk_rules.add(
            registry.RiskRule(
                "agreement_ending",
                _("Agreement ending"),
                _("The client's last agreement has ended or ends within %(n)s days."),
                risk.agreement_ending,
                default_threshold=30,
                unit=_("days"),
                order=20,
            )
        )


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.agreements.demo import demo_agreements_create

    made = demo_agreements_create(account=account, seed=seed)
    return f"{made} agreements" if made else ""
