"""The off-boarding workflow's entries in core.registry (called from apps.py)."""

from django.utils.translation import gettext_lazy as _

from clientdesk.core import registry


def register() -> None:
    from clientdesk.offboarding import panels
    from clientdesk.offboarding.services import KEY, status_refusal

    registry.status_guards.add(registry.StatusGuard(KEY, status_refusal))
    registry.account_urls.add(
        registry.AccountUrls("offboarding", "clients/", "clientdesk.offboarding.client_urls", 47)
    )
    registry.account_urls.add(
        registry.AccountUrls(
            "offboarding_settings", "settings/offboarding/", "clientdesk.offboarding.views.settings", 47
        )
    )  # fmt: skip
    registry.settings_sections.add(
        registry.SettingsSection(
            "offboarding", _("Off-boarding"), "offboarding_settings", "log-out", 37, "clients.offboard"
        )
    )  # fmt: skip
    registry.client_panels.add(
        registry.ClientPanel(
            "offboarding_actions", "offboarding/client_actions.html", panels.actions, "actions", 5
        )
    )  # fmt: skip
    registry.client_panels.add(
        registry.ClientPanel(
            "offboarding", "offboarding/client_panel.html", panels.overview, "overview", 5
        )
    )  # fmt: skip
    registry.api_routers.add(
        registry.ApiRouter("offboarding", "clientdesk.offboarding.api:router", 65)
    )
    registry.demo_steps.add(registry.DemoStep("offboarding", _demo, 60))
    from clientdesk.offboarding import home

    registry.home_panels.add(
        registry.HomePanel(
            "offboarding_due", _("Off-boardings due"), "offboarding/home_panel.html",
            home.home_panel, url_name="client_list", query="tab=offboarding", order=25,
        )
    )  # fmt: skip


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.offboarding.demo import demo_offboardings_create

    made = demo_offboardings_create(account=account, seed=seed)
    return f"{made} off-boardings" if made else ""
