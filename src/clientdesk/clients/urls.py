"""Client pages below /a/<account_slug>/clients/: the list (listing.py) and one client
(detail.py). Other domains add their own pages here through core.registry.account_urls."""

from clientdesk.clients.views import detail, listing, navigator

urlpatterns = [*listing.urlpatterns, *detail.urlpatterns, *navigator.urlpatterns]
