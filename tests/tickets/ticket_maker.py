"""Run by test_numbering in several processes at once: `python -m tests.tickets.ticket_maker
CLIENT_ID COUNT` creates COUNT tickets for the client through the service, as fast as it can,
and prints how many failed."""

import os
import sys

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clientdesk.settings")

import django

django.setup()

from clientdesk.clients.models import Client  # noqa: E402
from clientdesk.core.tenancy import unscoped  # noqa: E402
from clientdesk.tickets.services import ticket_create  # noqa: E402


def main(client_id: int, count: int) -> None:
    failed = 0
    with unscoped():  # a test's helper process: it makes tickets for the one client named
        client = Client.objects.select_related("account").get(pk=client_id)
        for i in range(count):
            try:
                ticket_create(client=client, actor=None, title=f"Concurrent {os.getpid()}-{i}")
            except Exception as exc:  # counted and reported: the test checks the numbers
                failed += 1
                print(f"failed: {exc!r}", file=sys.stderr)
    print(f"failed={failed}")


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
