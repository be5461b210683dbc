from django.apps import AppConfig


class SoftwareConfig(AppConfig):
    """The application catalog, each client's app stack and the opportunities they open."""

    name = "clientdesk.software"
    label = "software"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.audit.events import watch
        from clientdesk.core import registry
        from clientdesk.core.signals import account_created
        from clientdesk.software import cells, events, listing, panels

        account_created.connect(_seed, dispatch_uid="software.catalog_seed")
        # The opportunities follow the clients' and contacts' writes, in their transaction.
        watch(events.changes_heard)

        registry.account_urls.add(
            registry.AccountUrls("client_apps", "clients/", "clientdesk.software.client_urls", 47)
        )
        registry.account_urls.add(
            registry.AccountUrls(
                "application_settings", "settings/applications/", "clientdesk.software.views.settings", 47
            )
        )  # fmt: skip
        registry.settings_sections.add(
            registry.SettingsSection(
                "applications", _("Applications"), "application_list", "app-window", 37, "apps.catalog"
            )
        )  # fmt: skip
        registry.client_tabs.add(
            registry.ClientTab("apps", _("Apps"), "client_apps", "app-window", 45)
        )
        registry.client_panels.add(
            registry.ClientPanel(
                "opportunity",
                "software/client_opportunity.html",
                panels.opportunity_panel,
                order=45,
                capability="money.read",
            )
        )
        registry.client_fields.add(
            registry.ClientField("opportunity", panels.api_opportunity, order=50)
        )
        registry.api_routers.add(
            registry.ApiRouter("software", "clientdesk.software.api:router", 65)
        )
        registry.demo_steps.add(registry.DemoStep("software", _demo, 55))
        from clientdesk.software import risk

        registry.risk_rules.add(
            registry.RiskRule(
                "problematic_apps",
                _("Problematic applications"),
                _("The client's stack holds %(n)s or more applications flagged problematic."),
                risk.problematic_apps,
                default_threshold=2,
                unit=_("applications"),
                order=40,
            )
        )

        registry.client_columns.add(
            registry.ClientColumn(
                "app_stack",
                _("App stack"),
                values=listing.indicator_values,
                cell=cells.app_stack,
                order=50,
                tabs=("active",),
                export=listing.export_names,
            )
        )
        registry.client_columns.add(
            registry.ClientColumn(
                "missing_apps",
                _("Missing apps"),
                values=listing.indicator_values,
                cell=cells.missing_apps,
                order=51,
                tabs=("active",),
                export=listing.export_missing,
            )
        )
        registry.client_columns.add(
            registry.ClientColumn(
                "project_opportunity",
                _("Project opportunity"),
                values=listing.project_values,
                cell=cells.money,
                order=52,
                numeric=True,
                sort=listing.project_sort,
                sort_rows=listing.kept_rows,
                tabs=("active",),
                export=listing.export_money,
                capability="money.read",
            )
        )
        registry.client_columns.add(
            registry.ClientColumn(
                "revenue_opportunity",
                _("Revenue opportunity"),
                values=listing.revenue_values,
                cell=cells.money,
                order=53,
                numeric=True,
                sort=listing.revenue_sort,
                sort_rows=listing.kept_rows,
                tabs=("active",),
                export=listing.export_money,
                capability="money.read",
            )
        )
        registry.client_filters.add(
            registry.ClientFilter(
                "problematic_app",
                _("Problematic apps"),
                listing.parse_app,
                listing.apply_problematic_app,
                template="software/filters/problematic_app.html",
                choices=listing.app_choices,
                help="`any`, or an application's id: the clients with it flagged problematic.",
                order=50,
            )
        )
        registry.client_filters.add(
            registry.ClientFilter(
                "has_problematic_apps",
                _("Has problematic apps"),
                listing.parse_yes_no,
                listing.apply_has_problematic,
                help="true: the clients with a problematic app; false: those without.",
                order=51,
            )
        )
        registry.client_filters.add(
            registry.ClientFilter(
                "min_project_opportunity",
                _("Project opportunity"),
                listing.parse_amount,
                listing.apply_min_project,
                template="software/filters/min_project.html",
                help="At least this amount (the account's currency), e.g. 1000.",
                order=52,
                capability="money.read",
            )
        )


def _seed(sender, account, **kwargs) -> None:
    from clientdesk.software.services import catalog_seed

    catalog_seed(account=account)


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.software.demo import demo_stacks_create

    made = demo_stacks_create(account=account, seed=seed)
    return f"{made} apps in client stacks" if made else ""
