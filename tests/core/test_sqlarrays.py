"""`among(field, ids)` picks the rows Django's `__in` picks, with many ids, none, repeats and
None among them, negated as well; on PostgreSQL as one array, on SQLite as a plain list."""

from clientdesk.clients.models import Client
from clientdesk.core.sqlarrays import among
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
