from django.conf import settings
from django.core.management.base import BaseCommand

from clientdesk.clients.demo import demo_clients_create
from clientdesk.core.demo import demo_create, demo_logins


class Command(BaseCommand):
    help = (
        "Create the demo account on first run (one person per role, clients with 18 months of "
        "history) and print its logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=60, help="how many clients (60)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same demo")

    def handle(self, *args, clients, seed, **options):
        account, created = demo_create()
        made = demo_clients_create(account=account, count=clients, seed=seed)
        self.stdout.write(
            ("Created" if created else "Using")
            + f" the demo account “{account.name}”"
            + (f" with {made} clients." if made else ".")
            + "\n"
        )
        self.stdout.write(f"Sign in at {settings.BASE_URL}/sign-in/ with any of:")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<11} {email:<34} password: {password}")
