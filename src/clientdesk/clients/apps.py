from django.apps import AppConfig


class ClientsConfig(AppConfig):
    name = "clientdesk.clients"
    label = "clients"

    def ready(self) -> None:
        from clientdesk.core.signals import account_created, account_updated

        account_created.connect(_seed, dispatch_uid="clients.industries_seed")
        account_updated.connect(_time_zone_moved, dispatch_uid="clients.time_zone_moved")


def _seed(sender, account, **kwargs) -> None:
    from clientdesk.clients.services import industries_seed

    industries_seed(account=account)


def _time_zone_moved(sender, account, changes, **kwargs) -> None:
    if "time_zone" in changes:
        from clientdesk.clients.tasks import derived_rebuild

        derived_rebuild.enqueue(account.pk)
