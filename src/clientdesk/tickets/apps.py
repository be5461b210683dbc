from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "clientdesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry
        from clientdesk.tickets import events, panels  # noqa: F401 - declares the verbs

        registry.nav.add(
            registry.NavItem(
                "tickets",
                _("Tickets"),
                "ticket_list",
                "ticket",
                30,
                section="account_slug>/tickets/",  # not the client page's tab
            )
        )
        registry.account_urls.add(
            registry.AccountUrls("tickets", "tickets/", "clientdesk.tickets.urls", 40)
        )
        registry.account_urls.add(
            registry.AccountUrls("client_tickets", "clients/", "clientdesk.tickets.client_urls", 40)
        )
        registry.account_urls.add(
            registry.AccountUrls(
                "ticket_settings", "settings/tickets/", "clientdesk.tickets.views.settings", 40
            )
        )
        registry.settings_sections.add(
            registry.SettingsSection(
                "tickets", _("Tickets"), "ticket_settings", "ticket", 30, "account.manage"
            )
        )
        registry.client_tabs.add(
            registry.ClientTab("tickets", _("Support Tickets"), "client_tickets", "ticket", 30)
        )
        registry.client_panels.add(
            registry.ClientPanel("support", "tickets/client_support.html", panels.support, order=30)
        )
        registry.portal_urls.add(
            registry.PortalUrls("requests", "requests/", "clientdesk.tickets.portal_urls", 20)
        )
        registry.portal_sections.add(
            registry.PortalSection("requests", _("Requests"), "portal_requests", "ticket", 15)
        )
        registry.client_fields.add(
            registry.ClientField("sla", _api_sla, _api_sla_write, "tickets.write")
        )
        registry.api_routers.add(registry.ApiRouter("tickets", "clientdesk.tickets.api:router", 50))
        registry.search_groups.add(
            registry.SearchGroup(
                "tickets",
                _("Tickets"),
                _search,
                "tickets/search_group.html",
                order=30,
                limit=8,
            )
        )
        registry.demo_steps.add(registry.DemoStep("tickets", _demo, 40))
        registry.client_quick_links.add(
            registry.ClientQuickLink(
                "log_job", _("Log a job"), "wrench", "ticket_new",
                query="client={id}&kind=job", order=30, capability="tickets.write",
            )
        )  # fmt: skip
        registry.client_quick_links.add(
            registry.ClientQuickLink(
                "jobs_report", _("Jobs report"), "chart-column", "ticket_report",
                query="client={id}", order=40,
            )
        )  # fmt: skip

        from clientdesk.tickets import home, risk

        registry.risk_rules.add(
            registry.RiskRule(
                "sla_breaches",
                _("SLA breaches"),
                _("%(n)s or more tickets opened in the last 30 days missed their SLA."),
                risk.sla_breaches,
                default_threshold=3,
                unit=_("breaches"),
                order=10,
            )
        )
        registry.risk_rules.add(
            registry.RiskRule(
                "quiet",
                _("Gone quiet"),
                _("No portal sign-in and no ticket for %(n)s days (clients active that long)."),
                risk.quiet,
                default_threshold=60,
                unit=_("days"),
                order=30,
            )
        )
        registry.home_panels.add(
            registry.HomePanel(
                "open_work",
                _("Open work"),
                "tickets/home_open_work.html",
                home.open_work,
                url_name="ticket_list",
                order=30,
            )
        )

        from clientdesk.tickets import report_plugin

        report_plugin.plug_in()


def _api_sla(membership, clients) -> dict:
    from clientdesk.tickets.sla import api_sla

    return api_sla(membership, clients)


def _api_sla_write(membership, client, rows) -> None:
    from clientdesk.tickets.settings_services import api_sla_write

    api_sla_write(membership, client, rows)


def _search(*, membership, q: str, limit: int) -> list:
    from clientdesk.tickets.queries import search_matches

    return search_matches(membership=membership, q=q, limit=limit)


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.tickets.demo import demo_tickets_create

    made = demo_tickets_create(account=account, seed=seed)
    return f"{made} tickets" if made else ""
