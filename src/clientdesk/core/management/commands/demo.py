from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from clientdesk.audit.events import subscribers_muted
from clientdesk.core import registry
from clientdesk.core.demo import demo_create, demo_logins
from clientdesk.core.tenancy import unscoped


class Command(BaseCommand):
    help = (
        "Create the demo account on first run (one person per role, clients with 18 months of "
        "history, their people, invitations and portal users) and print its logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=60, help="how many clients (60)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same demo")

    def handle(self, *args, clients, seed, **options):
        if clients < 0:
            raise CommandError("--clients must be 0 or more.")
        # A command: it makes the account it then fills, all or nothing.
        # Its made-up tickets and replies mail no one (subscribers_muted); the invitations,
        # sent by the portal itself, wait in the Outbox as they should.
        with unscoped(), subscribers_muted(), transaction.atomic():
            account, created = demo_create()
            # Each domain fills its part (registry.demo_steps), in order.
            steps = registry.demo_steps.all()
            made = [step.make(account, clients, seed) for step in steps]
            logins = [login for step in steps if step.logins for login in step.logins(account)]
        summary = "; ".join(m for m in made if m)
        self.stdout.write(
            ("Created" if created else "Using")
            + f" the demo account “{account.name}”"
            + (f" with {summary}." if summary else ".")
            + "\n"
        )
        self.stdout.write(f"Sign in at {settings.BASE_URL}/sign-in/ with any of:")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<11} {email:<34} password: {password}")
        for what, where, email, password in logins:
            self.stdout.write(f"As a client ({what}), sign in at {settings.BASE_URL}{where} with:")
            self.stdout.write(f"  {'Portal':<11} {email:<34} password: {password}")
