from django.urls import include, path

from clientdesk.api.root import api
from clientdesk.core import views as core_views

urlpatterns = [
    path("", include("clientdesk.core.urls")),
    path("a/<slug:account_slug>/", include("clientdesk.core.account_urls")),
    path("api/v1/", api.urls),
    path("portal/", include("clientdesk.portal.urls")),
]

handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
