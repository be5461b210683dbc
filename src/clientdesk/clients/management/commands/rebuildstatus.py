from django.core.management.base import BaseCommand, CommandError

from clientdesk.clients.derived import differences, rebuild
from clientdesk.core.models import Account
from clientdesk.core.tenancy import unscoped


class Command(BaseCommand):
    help = (
        "Rebuild the derived status tables (day deltas, service periods, status intervals) "
        "from the status history, e.g. after a time-zone change; --check only compares."
    )

    def add_arguments(self, parser):
        parser.add_argument("--account", help="one account's slug (default: every account)")
        parser.add_argument("--check", action="store_true", help="compare, write nothing")

    def handle(self, *args, account, check, **options):
        with unscoped():  # a command over every account
            self._handle(account, check)

    def _handle(self, account, check):
        accounts = (
            Account.objects.all() if account is None else Account.objects.filter(slug=account)
        )
        if account is not None and not accounts.exists():
            raise CommandError(f"No account with slug {account!r}.")
        drift = False
        for acc in accounts.order_by("slug"):
            if check:
                diff = differences(acc)
                drift |= any(diff.values())
                state = "agree" if not any(diff.values()) else f"DIFFER {diff}"
                self.stdout.write(f"{acc.slug}: derived tables {state}")
            else:
                counts = rebuild(acc)
                self.stdout.write(f"{acc.slug}: rebuilt {counts}")
        if drift:
            raise CommandError("Derived tables differ from the history; run without --check.")
