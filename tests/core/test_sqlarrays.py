"""`among(field, ids)` and `among_texts(field, values)` pick the rows Django's `__in` picks,
with many values, none, repeats and None among them, negated as well; on PostgreSQL as one
array (the ids), on SQLite as a plain list padded to a few lengths."""

from django.db import connection

from clientdesk.clients.models import Client
from clientdesk.core.sqlarrays import among, among_texts, padded
from tests.clients.factories import make_client


def test_among_picks_what_in_picks(cast):
    made = [make_client(cast, prefix=f"AM{i:02d}", name=f"Among {i}").pk for i in range(6)]
    clients = Client.objects.filter(account=cast.account)

    def picked(q):
        return sorted(clients.filter(q).values_list("pk", flat=True))

    for ids in ([made[0], made[3]], [made[1], made[1], None], made, [], list(range(-5000, 0))):
        assert picked(among("pk", ids)) == sorted(
            clients.filter(pk__in=[i for i in ids if i is not None]).values_list("pk", flat=True)
        )
        assert picked(~among("pk", ids)) == sorted(
            clients.exclude(pk__in=[i for i in ids if i is not None]).values_list("pk", flat=True)
        )
    assert picked(among("pk", {made[2]}) | among("pk", [made[4]])) == [made[2], made[4]]


def test_among_texts_picks_what_in_picks(cast):
    made = {
        f"TX{i:02d}": make_client(cast, prefix=f"TX{i:02d}", name=f"Texts {i}").pk for i in range(5)
    }
    clients = Client.objects.filter(account=cast.account)

    def picked(q):
        return sorted(clients.filter(q).values_list("pk", flat=True))

    many = [f"NO{i}" for i in range(3000)]
    for values in (["TX00", "TX03"], ["TX01", "TX01", None], [*made, *many], [], many, ["tx02"]):
        wanted = [v for v in values if v is not None]
        assert picked(among_texts("prefix", values)) == sorted(
            clients.filter(prefix__in=wanted).values_list("pk", flat=True)
        )
        assert picked(~among_texts("prefix", values)) == sorted(
            clients.exclude(prefix__in=wanted).values_list("pk", flat=True)
        )


def test_long_lists_share_a_few_statements(cast):
    """Python's sqlite3 keeps a connection's statements prepared under their text: lists of
    every length from 1 to 3,000 give a handful of texts (a long list padded to a power of
    two), not one statement of up to 3,000 placeholders for each length."""
    make_client(cast, prefix="PAD1", name="Padded")
    clients = Client.objects.filter(account=cast.account)
    texts: list[str] = []

    def seen(execute, sql, params, many, context):
        texts.append(sql)
        return execute(sql, params, many, context)

    sizes = range(1, 3001, 7)
    with connection.execute_wrapper(seen):
        for size in sizes:
            assert clients.filter(among("pk", range(-size, 0))).count() == 0
            values = ["PAD1", *(f"NO{i}" for i in range(size))]
            assert clients.filter(among_texts("prefix", values)).count() == 1
    assert len(texts) == 2 * len(sizes)
    if connection.vendor == "sqlite":
        # Up to 64 values as they are (10 lengths here), then 128, 256, … 4,096: for each query.
        assert len(set(texts)) <= 2 * (10 + 6), len(set(texts))
    assert padded(list(range(100))) == [*range(100), *[99] * 28]
    assert padded(list(range(64))) == list(range(64))
    assert padded([]) == []
