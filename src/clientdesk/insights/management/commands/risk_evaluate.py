"""`clientdesk risk_evaluate`: queue the daily run of every account's risk rules (run it from
cron once a day; a worker runs it)."""

from django.core.management.base import BaseCommand

from clientdesk.insights.risk_tasks import risk_evaluate_all


class Command(BaseCommand):
    help = "Queue the daily run of the risk rules of every account (run daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run it here instead of queueing")

    def handle(self, *args, now, **options):
        if now:
            flagged = risk_evaluate_all.call()
            self.stdout.write(f"moved {flagged} clients to at risk")
        else:
            risk_evaluate_all.enqueue()
            self.stdout.write("queued the risk rules")
