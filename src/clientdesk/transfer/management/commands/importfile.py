"""clientdesk importfile KIND FILE --account SLUG [--mode create|upsert] [--dry-run]"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from clientdesk.core.models import Account, Membership
from clientdesk.core.roles import Role
from clientdesk.core.tenancy import unscoped
from clientdesk.transfer.exports import csv_chunks
from clientdesk.transfer.kinds import KINDS
from clientdesk.transfer.models import Mode, State
from clientdesk.transfer.queries import error_report_rows
from clientdesk.transfer.services import import_file


class Command(BaseCommand):
    help = "Import clients or contacts from a CSV or XLSX file; prints the counts."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(KINDS))
        parser.add_argument("file")
        parser.add_argument("--account", required=True, help="the account's slug")
        parser.add_argument("--mode", choices=Mode.values, default=Mode.UPSERT)
        parser.add_argument("--dry-run", action="store_true", help="check only, write nothing")
        parser.add_argument("--user", help="the member it runs as (default: the first owner)")

    def handle(self, *args, **options):
        with unscoped():  # a command: it runs as the member it names, across the engine
            self._handle(**options)

    def _handle(self, *, kind, file, account, mode, dry_run, user, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"{file}: no such file")
        found = Account.objects.filter(slug=account).first()
        if found is None:
            raise CommandError(f"no account with slug {account!r}")
        members = Membership.objects.for_account(found).select_related("user", "account")
        membership = (
            members.filter(user__email__iexact=user).first()
            if user
            else members.filter(role=Role.OWNER).order_by("pk").first()
        )
        if membership is None:
            raise CommandError(f"{user or 'an owner'} is not a member of {account}")
        try:
            job = import_file(
                account=found,
                membership=membership,
                kind=kind,
                path=str(path),
                mode=mode,
                dry_run=dry_run,
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from None
        if job.state == State.FAILED:
            raise CommandError(job.failure)
        counts = job.counts
        would = "would be " if dry_run else ""
        self.stdout.write(
            f"{counts['rows']} rows: {counts['created']} {would}created, "
            f"{counts['updated']} {would}updated, {counts['unchanged']} unchanged, "
            f"{counts['rejected']} rejected"
        )
        if counts["rejected"]:
            report = path.with_name(path.stem + ".errors.csv")
            rows = error_report_rows(job)
            with report.open("wb") as out:
                for chunk in csv_chunks(next(rows), rows):
                    out.write(chunk)
            self.stdout.write(f"rejected rows with their reasons: {report}")
