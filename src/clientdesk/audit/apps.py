from importlib import import_module

from django.apps import AppConfig, apps
from django.utils.module_loading import module_has_submodule


class AuditConfig(AppConfig):
    name = "clientdesk.audit"
    label = "audit"

    def ready(self) -> None:
        # Each domain declares its verbs and names in its own `events` module; all of them
        # must be known before any page reads the log, whichever app wrote an entry.
        for config in apps.get_app_configs():
            if config.name.startswith("clientdesk.") and module_has_submodule(
                config.module, "events"
            ):
                import_module(f"{config.name}.events")

        from django.utils.translation import gettext_lazy as _

        from clientdesk.audit import home
        from clientdesk.core import registry

        registry.home_panels.add(
            registry.HomePanel(
                "activity",
                _("Recent activity"),
                "audit/home_activity.html",
                home.recent_activity,
                url_name="activity",
                link_capability="activity.read",
                order=90,
            )
        )
