from django.conf import settings
from django.core.management.base import BaseCommand

from clientdesk.core.demo import demo_create, demo_logins


class Command(BaseCommand):
    help = "Create the demo account on first run (one person per role) and print its logins."

    def handle(self, *args, **options):
        account, created = demo_create()
        self.stdout.write(
            ("Created" if created else "Using") + f" the demo account “{account.name}”.\n"
        )
        self.stdout.write(f"Sign in at {settings.BASE_URL}/sign-in/ with any of:")
        for role, email, password in demo_logins():
            self.stdout.write(f"  {role:<11} {email:<34} password: {password}")
