from django.conf import settings
from django.core.management.base import BaseCommand

from clientdesk.core import registry
from clientdesk.core.demo import demo_create, demo_logins
from clientdesk.core.tenancy import unscoped


class Command(BaseCommand):
    help = (
        "Create the demo account on first run (one person per role, clients with 18 months of "
        "history) and print its logins."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clients", type=int, default=60, help="how many clients (60)")
        parser.add_argument("--seed", type=int, default=1, help="the same seed, the same demo")

    def handle(self, *args, clients, seed, **options):
        with unscoped():  # a command: it makes the account it then fills
            account, created = demo_create()
            # Each domain fills its part (registry.demo_steps), in order.
            made = [step.make(account, clients, seed) for step in registry.demo_steps.all()]
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
