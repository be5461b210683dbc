from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "clientdesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        from clientdesk.tickets.report_plugin import plug_in

        plug_in()
