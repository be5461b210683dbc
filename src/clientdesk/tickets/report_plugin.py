"""Where the jobs report joins the app: its pages, its API router and the client page's quick
link. `TicketsConfig.ready()` calls `plug_in()`."""


def _no_context(request, client) -> dict:
    return {}


def plug_in() -> None:
    from clientdesk.core import registry

    registry.account_urls.add(
        registry.AccountUrls("ticket_report", "tickets/", "clientdesk.tickets.report_urls", 45)
    )
    registry.api_routers.add(
        registry.ApiRouter("ticket_reports", "clientdesk.tickets.api_reports:router", 55)
    )
    registry.client_panels.add(
        registry.ClientPanel(
            "jobs_report",
            "tickets/client_report_link.html",
            _no_context,
            "actions",
            50,
            "clients.read",
        )
    )
