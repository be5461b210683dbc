"""The jobs report's pages below /a/<account_slug>/tickets/ (joined by report_plugin)."""

from django.urls import path

from clientdesk.tickets import views_report

urlpatterns = [
    path("report/", views_report.ticket_report, name="ticket_report"),
    path("report/export/", views_report.ticket_report_export, name="ticket_report_export"),
]
