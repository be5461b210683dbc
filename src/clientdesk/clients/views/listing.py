"""The Clients list page (being built)."""

urlpatterns: list = []
