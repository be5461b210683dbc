from django.core.management.base import BaseCommand, CommandError

from clientdesk.core.models import Membership
from clientdesk.core.tenancy import unscoped
from clientdesk.integrations.services import api_token_create


class Command(BaseCommand):
    help = "Create an API token acting as a member of an account; prints it once."

    def add_arguments(self, parser):
        parser.add_argument("--account", required=True, help="the account's slug")
        parser.add_argument("--user", required=True, help="the member's email")
        parser.add_argument("--name", default="Command line")

    def handle(self, *args, account, user, name, **options):
        with unscoped():  # a command: the account is named by its slug
            membership = (
                Membership.objects.select_related("account", "user")
                .filter(account__slug=account, user__email__iexact=user)
                .first()
            )
            if membership is None:
                raise CommandError(f"{user} is not a member of an account with slug {account!r}.")
            _token, raw = api_token_create(membership=membership, name=name, actor=membership.user)
        self.stdout.write(raw)
