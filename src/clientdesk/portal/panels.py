"""What the portal shows on a client's staff page and of each contact (core.registry)."""

from clientdesk.contacts.models import Contact
from clientdesk.portal import services


def invite_button(request, client) -> dict:
    """Invite, or the reason it is disabled (shown beside it)."""
    primary = Contact.objects.for_client(client).filter(is_primary=True, deleted_at=None).first()
    return {
        "invite_contact": primary,
        # Without a primary contact there is nothing to look up again.
        "invite_blocker": services.invite_blocker(client=client, contact=primary)
        if primary
        else str(services.NO_PRIMARY),
    }


def portal_card(request, client) -> dict:
    return {
        "portal_invitations": services.open_invitations(client=client),
        "portal_users": services.portal_users(client=client),
    }


def contact_portal_states(contacts) -> dict[int, dict]:
    """Each contact's portal state (none, invited, active) for the Contacts tab and the API."""
    return {
        pk: {"portal": state} for pk, state in services.portal_states(contacts=contacts).items()
    }
