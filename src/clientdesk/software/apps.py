from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    """The application catalog, each client's app stack and the opportunities they open."""

    name = "clientdesk.software"
    label = "software"
