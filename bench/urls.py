"""The app's URLs plus Django's admin with a plain ModelAdmin of Client (bench only)."""

from django.contrib import admin
from django.urls import path

from clientdesk.clients.models import Client
from clientdesk.urls import handler403, handler404, handler500
from clientdesk.urls import urlpatterns as app_urlpatterns


class ClientAdmin(admin.ModelAdmin):
    """A plain ModelAdmin; its one change is the scope every tenant query must name (the
    signed-in owner's account), which the Clients page pays as well."""

    def get_queryset(self, request):
        account_id = request.user.memberships.values_list("account_id", flat=True).first()
        return super().get_queryset(request).for_account(account_id)


admin.site.register(Client, ClientAdmin)

urlpatterns = [path("bench-admin/", admin.site.urls), *app_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
