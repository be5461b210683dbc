from django.apps import AppConfig


class OffboardingConfig(AppConfig):
    """The off-boarding workflow: date, reason, the checklist from the account's template."""

    name = "clientdesk.offboarding"
    label = "offboarding"

    def ready(self) -> None:
        from clientdesk.offboarding import events  # noqa: F401 - declares the verbs
        from clientdesk.offboarding.registrations import register

        register()
