"""The client's agreements in the portal: read-only, current, upcoming and expired."""

from django.views.decorators.http import require_GET

from clientdesk.agreements import queries
from clientdesk.portal.views.base import portal_render, portal_view


@portal_view
@require_GET
def portal_agreements(request, scope):
    agreements = queries.agreements_of(client=scope.client)
    used = queries.hours_used(agreements)
    for agreement in agreements:
        agreement.hours_used = used[agreement.pk]
    return portal_render(request, "agreements/portal.html", {"agreements": agreements})
