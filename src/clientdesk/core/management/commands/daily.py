"""`clientdesk daily`: queue every domain's daily work (core.registry.daily_jobs), for cron to
run once a day; a worker does it. `--now` runs it here instead, one job after another."""

from importlib import import_module

from django.core.management.base import BaseCommand

from clientdesk.core import registry


def task_of(job: registry.DailyJob):
    module, _sep, name = job.task.partition(":")
    return getattr(import_module(module), name)


class Command(BaseCommand):
    help = "Queue the daily work of every part of Clientdesk (run it daily, e.g. from cron)."

    def add_arguments(self, parser):
        parser.add_argument("--now", action="store_true", help="run it here instead of queueing")

    def handle(self, *args, now, **options):
        for job in registry.daily_jobs.all():
            task = task_of(job)
            if now:
                self.stdout.write(f"{job.label}: {task.call()}")
            else:
                task.enqueue()
                self.stdout.write(f"queued: {job.label}")
