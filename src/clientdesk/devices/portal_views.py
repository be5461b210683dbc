"""The client's devices in the portal, read-only, below /portal/devices/.

The view goes through the portal's `portal_view` (portal.queries.portal_scope decides the
client): only that client's live devices show."""

from django.db.models.functions import Lower
from django.views.decorators.http import require_GET

from clientdesk.devices import queries
from clientdesk.portal.views.base import portal_render, portal_view

LIMIT = 500


@portal_view
@require_GET
def devices_page(request, scope):
    labels = queries.type_labels(queries.settings_of(scope.account))
    devices = list(queries.portal_devices(scope.client).order_by(Lower("name"), "id")[: LIMIT + 1])
    for device in devices:
        device.type_label = labels[device.type]
    return portal_render(
        request,
        "devices/portal/devices.html",
        {"devices": devices[:LIMIT], "more": len(devices) > LIMIT},
    )
