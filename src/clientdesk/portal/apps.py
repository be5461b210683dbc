from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "clientdesk.portal"
    label = "portal"

    def ready(self) -> None:
        from clientdesk.core.signals import message_failed

        message_failed.connect(_invitation_failed, dispatch_uid="portal.invitation_failed")


def _invitation_failed(sender, message, **kwargs) -> None:
    from clientdesk.portal.services import portal_invitation_failed

    portal_invitation_failed(message=message)
