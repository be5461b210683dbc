"""Insights pages below /a/<account_slug>/insights/."""

from django.urls import path

from clientdesk.insights.views import drilldown, page

urlpatterns = [
    path("", page.insights_page, name="insights"),
    path("day/", page.insights_day, name="insights_day"),
    path("evolution.csv", page.insights_csv, name="insights_csv"),
    # not "clients/": the Clients item of the navigation marks every route holding that
    path("details/", drilldown.insights_clients, name="insights_clients"),
]
