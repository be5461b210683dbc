from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "clientdesk.core"
    label = "core"
    verbose_name = "Clientdesk core"
