from django.apps import AppConfig


class OffboardingConfig(AppConfig):
    """The off-boarding workflow: date, reason, the checklist from the account's template."""

    name = "clientdesk.offboarding"
    label = "offboarding"

    def ready(self) -> None:
        from clientdesk.offboarding import events  # noqa: F401 - declares the verbs
        from clientdesk.offboarding.registrations import register

        register()
        # The Off-boarding and Inactive tabs' columns (core.registry.client_columns).
        from clientdesk.core import registry
        from clientdesk.offboarding import columns

        for column in columns.client_columns():
            registry.client_columns.add(column)
