"""`clientdesk agreements_warn`: queue the daily warning of agreements ending within 30 days
(run it from cron once a day; a worker delivers it and its emails)."""

from django.core.management.base import BaseCommand

from clientdesk.agreements.tasks import agreements_warn_all


class Command(BaseCommand):
    help = "Queue the warning of agreements that end within 30 days (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run it here instead of queueing")

    def handle(self, *args, now, **options):
        if now:
            warned = agreements_warn_all.call()
            self.stdout.write(f"warned of {warned} agreements")
        else:
            agreements_warn_all.enqueue()
            self.stdout.write("queued the agreements warning")
