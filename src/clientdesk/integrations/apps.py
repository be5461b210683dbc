from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "clientdesk.integrations"
    label = "integrations"
