from django.apps import AppConfig


class TransferConfig(AppConfig):
    name = "clientdesk.transfer"
    label = "transfer"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry
        from clientdesk.transfer import events  # noqa: F401 - declares the verbs

        registry.account_urls.add(
            registry.AccountUrls("imports", "imports/", "clientdesk.transfer.urls")
        )
        registry.account_urls.add(
            registry.AccountUrls("transfer", "transfer/", "clientdesk.transfer.export_urls")
        )
        # Before the clients router: `/clients/export` must be found before `/clients/{id}`.
        registry.api_routers.add(
            registry.ApiRouter("exports", "clientdesk.transfer.api_exports:router", 15)
        )
        registry.api_routers.add(
            registry.ApiRouter("imports", "clientdesk.transfer.api:router", 50)
        )
        registry.add_client_entries.add(
            registry.AddClientEntry(
                "import",
                _("Bulk import"),
                _("Many clients at once, from a CSV or Excel file"),
                "imports",
                "upload",
                query="kind=clients",
                order=30,
                capability="clients.import",
            )
        )
