from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "clientdesk.transfer"
    label = "transfer"
