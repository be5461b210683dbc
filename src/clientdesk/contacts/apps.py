from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "clientdesk.contacts"
    label = "contacts"

    def ready(self) -> None:
        from django.utils.translation import gettext_lazy as _

        from clientdesk.contacts import panels
        from clientdesk.contacts.queries import contacts_matching
        from clientdesk.core import registry

        registry.account_urls.add(
            registry.AccountUrls("contacts", "clients/", "clientdesk.contacts.urls", 20)
        )
        registry.client_tabs.add(
            registry.ClientTab("contacts", _("Contacts"), "client_contacts", "users", 20)
        )
        registry.client_panels.add(
            registry.ClientPanel(
                "key_contacts", "contacts/client_key_contacts.html", panels.key_contacts, order=20
            )
        )
        registry.client_counts.add(registry.ClientCounts("contacts", panels.api_counts))
        registry.api_routers.add(
            registry.ApiRouter("contacts", "clientdesk.contacts.api:router", 30)
        )
        registry.demo_steps.add(registry.DemoStep("contacts", _demo, 20))
        registry.client_quick_links.add(
            registry.ClientQuickLink(
                "contacts", _("Contacts"), "users", "client_contacts", with_client=True, order=10
            )
        )
        registry.search_groups.add(
            registry.SearchGroup(
                "contacts",
                _("Contacts"),
                contacts_matching,
                "contacts/search_group.html",
                order=20,
                limit=8,
            )
        )
        registry.client_panels.add(
            registry.ClientPanel(
                "contact_counts",
                "contacts/client_contact_counts.html",
                panels.contact_count_rows,
                order=40,
            )
        )


def _demo(account, clients: int, seed: int) -> str:
    from clientdesk.contacts.demo import demo_contacts_create

    made = demo_contacts_create(account=account, seed=seed)
    return f"{made} contacts" if made else ""
