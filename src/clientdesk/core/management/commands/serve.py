"""`clientdesk serve`: the production web server and a task worker, started and stopped together.

Each is supervised: one that stops on its own (a task worker that died of an error, a web server
that crashed) is logged and started again, after a pause that grows while it keeps stopping, so
that one failing process never takes the others down with it. SIGTERM or Ctrl-C stops them all.
"""

import contextlib
import logging
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand

from clientdesk.core.staticprep import static_files_prepare

SERVERS = ("gunicorn", "granian")
# Seconds before a stopped process starts again, by how many times it stopped in RECENT seconds.
RESTART_DELAYS = (1, 2, 5, 10, 30)
RECENT = 300
log = logging.getLogger("clientdesk.serve")


class Supervised:
    """One process of the server, started again whenever it stops on its own."""

    def __init__(self, name: str, command: list[str]) -> None:
        self.name, self.command = name, command
        self.stops: list[float] = []  # when it stopped lately
        self.restart_at: float | None = None
        self.proc = self.start()

    def start(self) -> subprocess.Popen:
        # In its own process group, so stopping it reaches its own workers too.
        return subprocess.Popen(self.command, start_new_session=True)  # noqa: S603 - our argv

    def watch(self, now: float) -> str | None:
        """Start it again when its pause is over; when it has just stopped, say so."""
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at, self.proc = None, self.start()
                log.warning("the %s process started again (pid %s)", self.name, self.proc.pid)
            return None
        if self.proc.poll() is None:
            return None
        _signal_group(self.proc, signal.SIGKILL)  # whatever of its group is left
        self.stops = [t for t in self.stops if now - t < RECENT] + [now]
        delay = RESTART_DELAYS[min(len(self.stops), len(RESTART_DELAYS)) - 1]
        self.restart_at = now + delay
        return (
            f"the {self.name} process stopped (exit {self.proc.returncode}); starting it again"
            f" in {delay} s"
        )


def _gunicorn_control_socket_args() -> list[str]:
    """Recent gunicorn opens a control socket by default (27: ~/.gunicorn/gunicorn.ctl).

    Nothing in Clientdesk uses it (signals manage the server); in the home folder it is shared
    by every instance run by the same user, and gunicorn logs an error at each start where the
    home folder is not writable. Older gunicorn has neither the socket nor the flag that turns
    it off, so ask gunicorn which settings it knows.
    """
    try:
        from gunicorn.config import KNOWN_SETTINGS
    except ImportError:
        return []
    if any(setting.name == "control_socket_disable" for setting in KNOWN_SETTINGS):
        return ["--no-control-socket"]
    return []


def web_command(server: str, host: str, port: int, workers: int) -> list[str]:
    if server == "gunicorn":
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "clientdesk.wsgi:application",
            "--bind",
            f"{host}:{port}",
            "--workers",
            str(workers),
            "--worker-class",
            "gthread",
            "--threads",
            "4",
            "--access-logfile",
            "-",
            *_gunicorn_control_socket_args(),
        ]
    # granian is the default (docs/servers.md has the measurements and the reasons):
    # - 4 blocking threads per worker: granian's own default allows up to 256 Python threads
    #   per worker and used about three times the memory and more CPU per request;
    # - respawn a crashed worker, as gunicorn does: without it one worker's crash stops the
    #   whole server;
    # - kill a worker that has not stopped 5 s after being asked to: a worker that gets both
    #   SIGINT (Ctrl-C reaches the whole process group) and granian's own SIGTERM never stops
    #   on its own (granian 2.8), and serve gives up after 20 s.
    return [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "clientdesk.wsgi:application",
        "--host",
        host,
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--blocking-threads",
        "4",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        "5",
        "--no-ws",
        "--access-log",
    ]


class Command(BaseCommand):
    help = "Serve Clientdesk with a production web server and a background task worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
        parser.add_argument(
            "--workers",
            type=int,
            default=os.cpu_count() or 2,
            help="web worker processes (default: one per core)",
        )
        parser.add_argument(
            "--server",
            choices=SERVERS,
            default="granian",
            help="web server (default: granian; see docs/servers.md)",
        )
        parser.add_argument("--no-worker", action="store_true", help="serve without a task worker")

    def handle(self, *args, host, port, workers, server, no_worker, **options):
        # Before the web server: its workers read the manifest once, as they start.
        static_files_prepare(self.stdout.write)
        commands = {"web": web_command(server, host, port, workers)}
        if not no_worker:
            commands["worker"] = [sys.executable, "-m", "clientdesk", "worker"]
        children = [Supervised(name, command) for name, command in commands.items()]
        self.stdout.write(
            f"Clientdesk is serving on http://{host}:{port}/ ({server}, "
            f"{workers} workers{'' if no_worker else ', 1 task worker'}). Ctrl-C stops."
        )

        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        while not stopping:
            now = time.monotonic()
            for child in children:
                stopped = child.watch(now)
                if stopped:
                    log.warning(stopped)
            time.sleep(0.3)
        procs = [child.proc for child in children]
        for proc in procs:
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in procs:
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(proc, signal.SIGKILL)  # whatever of its group is still there


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
