from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Metrics of the client base over a date range, evolution, drill-down, risk rules."""

    name = "clientdesk.insights"
    label = "insights"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry

        # The Insights page, its chart and View details; every staff role reads it.
        registry.nav.add(
            registry.NavItem(
                "insights",
                _("Insights"),
                "insights",
                "chart-column",
                40,
                capability="clients.read",
                section="account_slug>/insights/",
            )
        )
        registry.account_urls.add(
            registry.AccountUrls("insights", "insights/", "clientdesk.insights.urls", 50)
        )
        registry.api_routers.add(
            registry.ApiRouter("metrics", "clientdesk.insights.api:router", 60)
        )
        _risk_ready()


def _risk_ready() -> None:
    """The risk rules, the status tables and insights' home panels (risk_*.py, home.py)."""
    from django.utils.translation import gettext_lazy as _

    from clientdesk.core import registry
    from clientdesk.insights import home, risk_events, risk_panels  # noqa: F401 - verbs

    registry.account_urls.add(registry.AccountUrls("risk", "", "clientdesk.insights.risk_urls", 60))
    registry.settings_sections.add(
        registry.SettingsSection(
            "risk", _("Risk rules"), "risk_settings", "triangle-alert", 40, "account.manage"
        )
    )
    registry.client_panels.add(
        registry.ClientPanel(
            "risk", "insights/client_risk.html", risk_panels.client_risk, place="overview", order=5
        )
    )
    registry.home_panels.add(
        registry.HomePanel(
            "status_counts", _("Clients by status today"), "insights/home_status_counts.html",
            home.status_counts, url_name="status_tables", order=10,
        )
    )  # fmt: skip
    registry.demo_steps.add(registry.DemoStep("risk", _demo_risk, 70))
    registry.daily_jobs.add(
        registry.DailyJob(
            "risk_rules", "clientdesk.insights.risk_tasks:risk_evaluate_all",
            _("clients moved to at risk by the risk rules"), 40,
        )
    )  # fmt: skip
    registry.home_panels.add(
        registry.HomePanel(
            "at_risk", _("At risk"), "insights/home_at_risk.html", home.at_risk,
            url_name="status_tables", query="status=at_risk", order=20,
        )
    )  # fmt: skip


def _demo_risk(account, clients: int, seed: int) -> str:
    from clientdesk.insights.risk_demo import demo_risk_run

    flagged = demo_risk_run(account=account)
    return f"{flagged} clients flagged at risk" if flagged else ""
