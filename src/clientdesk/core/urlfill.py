"""One URL per row without a reverse() per row: `each_url(name, *args)` reverses once with a
stand-in id and answers a function that puts each row's id in its place (a page of 50 rows
reversed 50 times took more than its query)."""

from collections.abc import Callable

from django.urls import reverse

ANY_ID = 987654321987  # the stand-in for a row's id in a reversed URL


def fill(url: str, pk: int | str) -> str:
    """`url`, reversed with ANY_ID, for the row `pk`."""
    return url.replace(str(ANY_ID), str(pk))


def each_url(name: str, *args) -> Callable[[int], str]:
    """reverse(name, args=[*args, id]) for any id, reversed once."""
    url = reverse(name, args=[*args, ANY_ID])
    return lambda pk: fill(url, pk)
