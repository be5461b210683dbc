"""The Devices tab and the device page, below /a/<account_slug>/clients/<client_id>/devices/
(beside the other tabs of the client page)."""

from django.urls import path

from clientdesk.devices import views

urlpatterns = [
    path("<int:client_id>/devices/", views.devices_tab, name="client_devices"),
    path("<int:client_id>/devices/new/", views.device_add, name="client_device_add"),
    path("<int:client_id>/devices/bulk/", views.devices_bulk, name="client_devices_bulk"),
    path("<int:client_id>/devices/columns/", views.devices_columns, name="client_devices_columns"),
    path("<int:client_id>/devices/<int:device_id>/", views.device_detail, name="device_detail"),
    path(
        "<int:client_id>/devices/<int:device_id>/edit/",
        views.device_edit,
        name="client_device_edit",
    ),
    path(
        "<int:client_id>/devices/<int:device_id>/delete/",
        views.device_remove,
        name="client_device_delete",
    ),
]
