import signal
import threading

from django.core.management.base import BaseCommand

from clientdesk.integrations.smtp import controller_make


class Command(BaseCommand):
    help = (
        "Listen for SMTP and turn mail into tickets: mail to <account-slug>@<any domain> (or "
        "<account-slug>+<anything>@…) goes to that account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=2525)

    def handle(self, *args, host, port, **options):
        controller = controller_make(host, port)
        controller.start()
        self.stdout.write(f"clientdesk mailin: listening for SMTP on {host}:{port}", ending="\n")
        self.stdout.flush()
        stop = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: stop.set())
        try:
            stop.wait()
        except KeyboardInterrupt:
            pass
        finally:
            controller.stop()
