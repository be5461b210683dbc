import itertools

from clientdesk.clients.services import client_create

_seq = itertools.count(1)


def make_client(cast_or_account, *, prefix=None, name=None, status="active", **fields):
    account = getattr(cast_or_account, "account", cast_or_account)
    n = next(_seq)
    return client_create(
        account=account,
        actor=None,
        prefix=prefix or f"C{n:03d}",
        name=name or f"Client {n}",
        status=status,
        **fields,
    )
