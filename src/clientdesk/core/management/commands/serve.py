"""`clientdesk serve`: the production web server and a task worker, started and stopped together."""

import contextlib
import os
import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError

from clientdesk.core.staticprep import static_files_prepare

SERVERS = ("gunicorn", "granian")


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
        procs = {
            # Each in its own process group, so stopping it reaches its own workers too.
            name: subprocess.Popen(cmd, start_new_session=True)  # noqa: S603 - our own argv
            for name, cmd in commands.items()
        }
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
        code = 0
        while not stopping:
            exited = [name for name, proc in procs.items() if proc.poll() is not None]
            if exited:
                code = procs[exited[0]].returncode or 1
                self.stderr.write(
                    f"the {exited[0]} process stopped (exit {code}); stopping the rest"
                )
                break
            time.sleep(0.3)
        for proc in procs.values():
            if proc.poll() is None:
                _signal_group(proc, signal.SIGTERM)
        deadline = time.monotonic() + 20
        for proc in procs.values():
            with contextlib.suppress(subprocess.TimeoutExpired):
                proc.wait(timeout=max(0.1, deadline - time.monotonic()))
            _signal_group(proc, signal.SIGKILL)  # whatever of its group is still there
        if code:
            raise CommandError(f"stopped: a process exited with {code}")


def _signal_group(proc: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, sig)
