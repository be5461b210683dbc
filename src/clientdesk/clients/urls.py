"""Client pages below /a/<account_slug>/clients/: the list (listing.py), one client
(detail.py), and its Contacts tab (contacts.urls)."""

from clientdesk.clients.views import detail, listing
from clientdesk.contacts import urls as contact_urls

urlpatterns = [*listing.urlpatterns, *detail.urlpatterns, *contact_urls.urlpatterns]
