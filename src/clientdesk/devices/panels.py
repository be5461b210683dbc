"""What the devices domain shows on a client's page and in its API `counts` (core.registry)."""

from django.utils.translation import gettext as _

from clientdesk.devices.queries import (
    TYPES,
    device_counts_by_client,
    request_counts,
    request_settings,
    type_labels,
)


def device_count_rows(request, client) -> dict:
    """Rows of (label, own, with sub-clients, is total) for the Device counts table: one per
    type, in the account's names, then all devices."""
    counts = request_counts(request, client)
    labels = type_labels(request_settings(request))
    rows = [(labels[t], counts.own[t], counts.with_subclients[t], False) for t in TYPES]
    rows.append((_("All devices"), counts.own_total, counts.with_subclients_total, True))
    return {"device_rows": rows}


def api_counts(membership, clients) -> dict[int, dict]:
    """The devices part of the API's `counts`, for a whole page of clients at once."""
    return {
        pk: {
            "devices": c.own_total,
            "devices_with_subclients": c.with_subclients_total,
            "device_types": dict(c.own),
            "device_types_with_subclients": dict(c.with_subclients),
        }
        for pk, c in device_counts_by_client(clients=clients, membership=membership).items()
    }
