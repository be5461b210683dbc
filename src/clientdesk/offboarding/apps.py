from django.apps import AppConfig


class OffboardingConfig(AppConfig):
    """The off-boarding workflow: date, reason, the checklist from the account's template."""

    name = "clientdesk.offboarding"
    label = "offboarding"
