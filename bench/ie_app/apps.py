from django.apps import AppConfig


class IeAppConfig(AppConfig):
    name = "bench.ie_app"
    label = "ie_app"
    default_auto_field = "django.db.models.BigAutoField"
