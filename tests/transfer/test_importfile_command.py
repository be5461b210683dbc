"""`clientdesk importfile KIND FILE --account SLUG [--mode …] [--dry-run]`."""

import pytest
from django.core.management import CommandError, call_command

from clientdesk.clients.models import Client

FILE = b"Prefix,Name,Status\nONE,One Ltd,active\nTWO,,lead\nTHREE,Three Ltd,asleep\n"


def _call(*args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("importfile", *args, stdout=out)
    return out.getvalue()


def test_it_prints_the_counts_and_writes_the_error_report_beside_the_file(cast, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(FILE)

    out = _call("clients", str(path), "--account", "acme")

    assert "3 rows: 1 created, 0 updated, 0 unchanged, 2 rejected" in out
    report = tmp_path / "clients.errors.csv"
    assert str(report) in out
    lines = report.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0] == "Prefix,Name,Status,Error"
    assert lines[1].startswith("TWO,,lead,") and lines[2].startswith("THREE,Three Ltd,asleep,")
    assert list(Client.objects.filter(account=cast.account).values_list("prefix", flat=True)) == [
        "ONE"
    ]


def test_a_dry_run_writes_nothing_and_create_mode_refuses_existing_keys(cast, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(FILE)

    out = _call("clients", str(path), "--account", "acme", "--dry-run")
    assert "1 would be created" in out and not Client.objects.exists()

    _call("clients", str(path), "--account", "acme")
    out = _call("clients", str(path), "--account", "acme", "--mode", "create")
    assert "0 created" in out and "3 rejected" in out


def test_it_names_what_is_wrong_with_the_command(cast, tmp_path):
    path = tmp_path / "clients.csv"
    path.write_bytes(b"Name\nNo prefix column\n")
    with pytest.raises(CommandError, match="Prefix"):
        _call("clients", str(path), "--account", "acme")
    with pytest.raises(CommandError, match="no account"):
        _call("clients", str(path), "--account", "nope")
    with pytest.raises(CommandError, match="no such file"):
        _call("clients", str(tmp_path / "missing.csv"), "--account", "acme")
