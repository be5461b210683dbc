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
