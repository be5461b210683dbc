from django.apps import AppConfig


class TicketsConfig(AppConfig):
    name = "clientdesk.tickets"
    label = "tickets"

    def ready(self) -> None:
        pass
