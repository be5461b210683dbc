from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    name = "clientdesk.documents"
    label = "documents"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.core import registry
        from clientdesk.documents import events  # noqa: F401 - declares the verbs

        registry.account_urls.add(
            registry.AccountUrls("client_documents", "clients/", "clientdesk.documents.urls", 50)
        )
        registry.client_tabs.add(
            registry.ClientTab("documents", _("Files"), "client_documents", "file-text", 50)
        )
        registry.portal_urls.add(
            registry.PortalUrls("documents", "documents/", "clientdesk.documents.portal_urls", 30)
        )
        registry.portal_sections.add(
            registry.PortalSection("documents", _("Documents"), "portal_documents", "file-text", 30)
        )
        registry.api_routers.add(
            registry.ApiRouter("documents", "clientdesk.documents.api:router", 60)
        )
        registry.demo_steps.add(registry.DemoStep("documents", _demo, 50))


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.documents.demo import demo_documents_create

    made = demo_documents_create(account=account, seed=seed)
    return f"{made} documents" if made else ""
