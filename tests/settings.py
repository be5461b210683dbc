"""Test settings: the real settings, with a fixed key and a fast password hasher."""

import os
import tempfile

os.environ.setdefault("CLIENTDESK_TESTING", "1")
os.environ.setdefault("CLIENTDESK_SECRET_KEY", "test-only-secret-key-not-for-production-0123456789")
os.environ.setdefault("CLIENTDESK_VAR_DIR", tempfile.mkdtemp(prefix="clientdesk-test-var-"))
# Browser tests drive a live server from the test thread (TOOLCHAIN.md).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from clientdesk.settings import *  # noqa: F403

# Argon2 is the real hasher (tests/core/test_settings.py checks it); tests hash thousands of times.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns (= fails) otherwise

if "sqlite" in DATABASES["default"]["ENGINE"]:  # noqa: F405
    # A file, not shared-cache memory: WAL and IMMEDIATE transactions behave as in production,
    # so concurrent writers queue on the lock instead of failing with "table is locked".
    DATABASES["default"]["TEST"]["NAME"] = str(VAR_DIR / "test.sqlite3")  # noqa: F405
