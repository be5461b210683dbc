from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "clientdesk.api"
    label = "api"
