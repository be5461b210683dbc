"""Search over clients by name and prefix (the global search starts here)."""

from django.db.models import Q, QuerySet


def search(qs: QuerySet, q: str) -> QuerySet:
    q = q.strip()
    if not q:
        return qs
    return qs.filter(Q(name__icontains=q) | Q(prefix__icontains=q))
