"""Bulk import pages below /a/<account_slug>/imports/."""

from django.urls import path

from clientdesk.transfer import views

urlpatterns = [
    path("", views.imports, name="imports"),
    path("<int:import_id>/", views.import_detail, name="import_detail"),
    path("<int:import_id>/status/", views.import_status, name="import_status"),
    path("<int:import_id>/columns/", views.import_mapping, name="import_mapping"),
    path("<int:import_id>/run/", views.import_run, name="import_run"),
    path("<int:import_id>/check/", views.import_check, name="import_check"),
    path("<int:import_id>/dates/", views.import_dates, name="import_dates"),
    path("<int:import_id>/again/", views.import_recheck, name="import_recheck"),
    path("<int:import_id>/errors.csv", views.import_error_report, name="import_error_report"),
]
