"""The client's devices in the portal, below /portal/devices/."""

from django.urls import path

from clientdesk.devices import portal_views

urlpatterns = [path("", portal_views.devices_page, name="portal_devices")]
