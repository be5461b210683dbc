import contextlib
import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from clientdesk.core.demo import DEMO_PASSWORD, demo_logins
from clientdesk.core.models import Account, Membership


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_newaccount_then_apitoken_give_a_working_token(db):
    run(
        "newaccount",
        "--name",
        "Swell IT",
        "--slug",
        "swell",
        "--owner-email",
        "boss@swell.example",
        "--password",
        "a-long-owner-secret",
    )
    token = run("apitoken", "--account", "swell", "--user", "boss@swell.example").strip()
    response = Client(headers={"authorization": f"Bearer {token}"}).get("/api/v1/account")
    assert response.json()["slug"] == "swell"
    assert Membership.objects.get(account__slug="swell").role == "owner"


def test_newaccount_explains_a_taken_slug_and_a_weak_password(db):
    run(
        "newaccount",
        "--name",
        "A",
        "--slug",
        "taken",
        "--owner-email",
        "a@x.example",
        "--password",
        "a-long-owner-secret",
    )
    with pytest.raises(CommandError, match="slug: Another account already uses this slug"):
        run(
            "newaccount",
            "--name",
            "B",
            "--slug",
            "taken",
            "--owner-email",
            "b@x.example",
            "--password",
            "a-long-owner-secret",
        )
    with pytest.raises(CommandError, match="too short"):
        run(
            "newaccount",
            "--name",
            "C",
            "--slug",
            "other",
            "--owner-email",
            "c@x.example",
            "--password",
            "short",
        )


def test_apitoken_refuses_someone_outside_the_account(cast):
    with pytest.raises(CommandError, match="is not a member"):
        run("apitoken", "--account", "acme", "--user", cast.outsider.user.email)


def test_demo_makes_one_person_per_role_once_and_prints_the_logins(db):
    first = run("demo")
    again = run("demo")
    assert Account.objects.filter(slug="demo").count() == 1
    roles = set(Membership.objects.filter(account__slug="demo").values_list("role", flat=True))
    assert roles == {"owner", "admin", "manager", "technician", "viewer"}
    for _role, email, _pw in demo_logins():
        assert email in first and email in again
    assert "Created" in first and "with 60 clients" in first and "Using" in again
    client = Client()
    assert (
        client.post(
            "/sign-in/", {"username": demo_logins()[0][1], "password": DEMO_PASSWORD}
        ).status_code
        == 302
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(tmp_path) -> tuple[int, subprocess.Popen]:
    """`clientdesk serve` on a fresh SQLite database in tmp_path, at a free port."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CLIENTDESK_", "DJANGO_"))},
        "CLIENTDESK_DEBUG": "1",
        "CLIENTDESK_VAR_DIR": str(tmp_path),
    }
    subprocess.run([sys.executable, "-m", "clientdesk", "migrate", "-v0"], env=env, check=True)
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "clientdesk", "serve", "--port", str(port), "--workers", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    return port, proc


def test_serve_runs_web_and_worker_and_stops_both_on_sigterm(tmp_path):
    port, proc = _serve(tmp_path)
    children: list[str] = []
    try:
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status is None:
            try:
                status = urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/sign-in/", timeout=2
                ).status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        children = subprocess.run(
            ["pgrep", "-P", str(proc.pid)], capture_output=True, text=True, check=False
        ).stdout.split()
        assert len(children) == 2  # the web server and the task worker, each in its own group
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
        assert proc.returncode == 0, output
        time.sleep(0.5)
        for group in children:  # nothing of either group is left, their workers included
            left = subprocess.run(
                ["pgrep", "-g", group], capture_output=True, text=True, check=False
            ).stdout.split()
            assert left == [], (group, left)
    finally:  # whatever happened above, leave nothing running
        for group in [str(proc.pid), *children]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(group), signal.SIGKILL)


def _children(pid: int) -> dict[str, str]:
    """The child processes of `pid` by what they run: "worker" or "web"."""
    found = {}
    for child in subprocess.run(
        ["pgrep", "-P", str(pid)], capture_output=True, text=True, check=False
    ).stdout.split():
        with contextlib.suppress(FileNotFoundError):
            command = Path(f"/proc/{child}/cmdline").read_bytes().split(b"\0")
            found["worker" if b"worker" in command else "web"] = child
    return found


def test_serve_starts_a_worker_that_died_again_and_keeps_serving(tmp_path):
    port, proc = _serve(tmp_path)
    seen: set[str] = set()
    try:
        deadline = time.monotonic() + 30
        while len(_children(proc.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        first = _children(proc.pid)
        seen.update(first.values())
        os.killpg(int(first["worker"]), signal.SIGKILL)  # as if it died of an error
        deadline, again = time.monotonic() + 30, None
        while time.monotonic() < deadline:
            again = _children(proc.pid).get("worker")
            if again and again != first["worker"]:
                break
            time.sleep(0.2)
        assert again and again != first["worker"], "the worker was not started again"
        seen.add(again)
        assert proc.poll() is None  # serve itself goes on
        assert _children(proc.pid)["web"] == first["web"]  # and so does the web server
        deadline, status = time.monotonic() + 30, None
        while time.monotonic() < deadline and status is None:
            try:
                status = urllib.request.urlopen(
                    f"http://127.0.0.1:{port}/sign-in/", timeout=2
                ).status
            except OSError:
                time.sleep(0.3)
        assert status == 200
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=30)
        assert "the worker process stopped (exit -9); starting it again in 1 s" in output
        assert "the worker process started again" in output
        assert proc.returncode == 0, output
    finally:
        for group in [str(proc.pid), *seen]:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(int(group), signal.SIGKILL)


def test_the_demo_clients_cover_every_status_and_industry_with_history(db):
    from clientdesk.clients.derived import differences
    from clientdesk.clients.models import Client, Status, StatusChange

    run("demo", "--clients", "60", "--seed", "7")
    clients = Client.objects.filter(account__slug="demo")
    assert clients.count() == 60
    assert set(clients.values_list("status", flat=True)) == set(Status.values)
    assert clients.values("industry").distinct().count() == 13
    assert clients.exclude(parent=None).exists()
    from clientdesk.contacts.models import Contact

    primaries = Contact.objects.filter(client__in=clients, is_primary=True).exclude(email="")
    assert primaries.count() >= 48  # most demo clients can be invited (tests/core/test_demo.py)
    oldest = StatusChange.objects.order_by("at").first().at
    from django.utils import timezone

    assert (timezone.now() - oldest).days > 365  # about 18 months of history
    assert differences(Account.objects.get(slug="demo")) == {
        "deltas": 0,
        "intervals": 0,
        "periods": 0,
    }
    names = sorted(clients.values_list("name", flat=True))
    Account.objects.filter(slug="demo").delete()  # the whole account goes, its clients with it
    run("demo", "--clients", "60", "--seed", "7")
    assert sorted(Client.objects.values_list("name", flat=True)) == names
