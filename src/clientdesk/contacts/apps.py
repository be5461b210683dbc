from django.apps import AppConfig


class ContactsConfig(AppConfig):
    name = "clientdesk.contacts"
    label = "contacts"
