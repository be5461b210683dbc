"""The risk rules' and status tables' pages, joined below /a/<slug>/ (core.registry.account_urls,
key "risk"): Settings › Risk rules, *Run now*, a client's dismissal, the status tables."""

from django.urls import path

from clientdesk.insights import risk_views, status_tables_views

urlpatterns = [
    path("settings/risk/", risk_views.risk_settings, name="risk_settings"),
    path("settings/risk/run/", risk_views.risk_run, name="risk_run"),
    path("clients/<int:client_id>/risk/dismiss/", risk_views.risk_dismiss, name="risk_dismiss"),
    path("insights/status/", status_tables_views.status_tables_page, name="status_tables"),
]
