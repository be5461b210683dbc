from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clientdesk.core.services import account_create, user_create
from clientdesk.core.tenancy import unscoped


class Command(BaseCommand):
    help = "Create an account with its first owner."

    def add_arguments(self, parser):
        parser.add_argument("--name", required=True)
        parser.add_argument("--slug", required=True)
        parser.add_argument("--owner-email", required=True)
        parser.add_argument("--password", required=True)
        parser.add_argument("--time-zone", default="UTC")
        parser.add_argument("--currency", default="EUR")

    def handle(self, *args, name, slug, owner_email, password, time_zone, currency, **options):
        try:
            with unscoped(), transaction.atomic():  # a command: no request, no member yet
                owner = get_user_model().objects.filter(email__iexact=owner_email).first()
                if owner is None:
                    owner = user_create(email=owner_email, password=password)
                account = account_create(
                    name=name, slug=slug, owner=owner, time_zone=time_zone, currency=currency
                )
        except ValidationError as exc:
            raise CommandError(_messages(exc)) from None
        self.stdout.write(f"Created account {account.slug} ({account.name}); owner {owner.email}.")


def _messages(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(f"{field}: {' '.join(msgs)}" for field, msgs in exc.message_dict.items())
    return " ".join(exc.messages)
