from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "clientdesk.audit"
    label = "audit"
