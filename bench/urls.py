"""The app's URLs plus Django's admin with a plain ModelAdmin of Client (bench only)."""

from django.contrib import admin
from django.urls import path

from clientdesk.clients.models import Client
from clientdesk.urls import handler403, handler404, handler500
from clientdesk.urls import urlpatterns as app_urlpatterns

admin.site.register(Client)

urlpatterns = [path("bench-admin/", admin.site.urls), *app_urlpatterns]

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]
