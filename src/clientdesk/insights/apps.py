from django.apps import AppConfig


class InsightsConfig(AppConfig):
    """Metrics of the client base over a date range, evolution, drill-down, risk rules."""

    name = "clientdesk.insights"
    label = "insights"
