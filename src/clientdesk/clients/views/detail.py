"""One client's page (being built)."""

urlpatterns: list = []
