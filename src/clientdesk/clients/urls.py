"""Client pages below /a/<account_slug>/clients/: the list (listing.py) and one client (detail.py)."""

from clientdesk.clients.views import detail, listing

urlpatterns = [*listing.urlpatterns, *detail.urlpatterns]
