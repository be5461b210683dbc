"""`clientdesk worker`: one background task worker (emails, imports, webhooks), alone."""

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Run one background task worker until stopped (SIGTERM stops it cleanly)."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run what is queued, then exit")

    def handle(self, *args, batch, **options):
        extra = ["--batch", "--no-startup-delay"] if batch else []
        call_command("db_worker", "--no-reload", "--interval", "0.5", *extra)
