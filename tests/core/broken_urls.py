"""The real URLconf plus a view that fails, to see the 500 page a person gets."""

from django.urls import path

from clientdesk.urls import handler403, handler404, handler500  # noqa: F401
from clientdesk.urls import urlpatterns as real_patterns


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [path("broken/", broken), *real_patterns]
