"""Settings come only from CLIENTDESK_* variables; production refuses to start half-configured."""

import os
import secrets
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from clientdesk.env import env_bool, env_int, env_list, parse_email_url


def clientdesk(*args: str, **env: str) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("CLIENTDESK_", "DJANGO_"))}
    return subprocess.run(
        [sys.executable, "-m", "clientdesk", *args],
        env={**base, "CLIENTDESK_VAR_DIR": os.environ["CLIENTDESK_VAR_DIR"], **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


PRODUCTION = {
    "CLIENTDESK_DEBUG": "0",
    "CLIENTDESK_SECRET_KEY": secrets.token_urlsafe(50),
    "CLIENTDESK_ALLOWED_HOSTS": "desk.example.com",
    "CLIENTDESK_DATABASE_URL": "sqlite:///:memory:",
}


def test_production_settings_pass_django_deploy_checks():
    result = clientdesk("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["CLIENTDESK_SECRET_KEY", "CLIENTDESK_ALLOWED_HOSTS"])
def test_without_debug_the_app_refuses_to_start_and_says_what_to_set(missing):
    env = {k: v for k, v in PRODUCTION.items() if k != missing}
    result = clientdesk("check", **env)
    assert result.returncode != 0
    assert f"{missing} is not set" in result.stderr


def test_a_bad_database_url_is_named():
    result = clientdesk("check", **{**PRODUCTION, "CLIENTDESK_DATABASE_URL": "mysql://x@y/z"})
    assert result.returncode != 0 and "must be a sqlite:/// or postgresql://" in result.stderr


def test_production_sets_secure_cookies_and_argon2():
    result = clientdesk(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print("
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY,"
        " s.PASSWORD_HASHERS[0].rsplit('.', 1)[1], s.X_FRAME_OPTIONS)",
        **PRODUCTION,
    )
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "True",
        "True",
        "Argon2PasswordHasher",
        "DENY",
    ]


def test_sqlite_runs_in_wal_mode_with_immediate_transactions(tmp_path):
    code = (
        "from django.db import connection; c = connection.cursor();"
        " print(c.execute('PRAGMA journal_mode').fetchone()[0],"
        " connection.settings_dict['OPTIONS']['transaction_mode'])"
    )
    result = clientdesk(
        "shell",
        "--no-imports",
        "-c",
        code,
        CLIENTDESK_DEBUG="1",
        CLIENTDESK_DATABASE_URL=f"sqlite:///{tmp_path}/x.sqlite3",
    )
    assert result.stdout.splitlines()[-1].split() == ["wal", "IMMEDIATE"], result.stderr


def test_boolean_and_number_variables_refuse_what_they_cannot_read(monkeypatch):
    monkeypatch.setenv("CLIENTDESK_X", "maybe")
    with pytest.raises(ImproperlyConfigured, match="CLIENTDESK_X must be one of"):
        env_bool("CLIENTDESK_X")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        env_int("CLIENTDESK_X", 1)
    monkeypatch.setenv("CLIENTDESK_X", "a.example, b.example,")
    assert env_list("CLIENTDESK_X") == ["a.example", "b.example"]


def test_the_email_url_becomes_smtp_settings():
    assert parse_email_url("smtp+tls://me%40x.org:p%3Ass@mail.x.org:587") == {
        "EMAIL_HOST": "mail.x.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "me@x.org",
        "EMAIL_HOST_PASSWORD": "p:ss",
        "EMAIL_USE_SSL": False,
        "EMAIL_USE_TLS": True,
    }
    with pytest.raises(ImproperlyConfigured, match="CLIENTDESK_EMAIL_URL must look like"):
        parse_email_url("mail.x.org")
