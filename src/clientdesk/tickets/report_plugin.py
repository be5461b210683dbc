"""Where the jobs report joins the app: its pages and its API router (the client page's quick
link is in the Support column, tickets/client_support.html). `TicketsConfig.ready()` calls
`plug_in()`."""


def plug_in() -> None:
    from clientdesk.core import registry

    registry.account_urls.add(
        registry.AccountUrls("ticket_report", "tickets/", "clientdesk.tickets.report_urls", 45)
    )
    registry.api_routers.add(
        registry.ApiRouter("ticket_reports", "clientdesk.tickets.api_reports:router", 55)
    )
