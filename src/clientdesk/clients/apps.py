from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clientdesk.clients"
    label = "clients"
