"""Settings for bench/clients.py: production settings, plus Django's admin for the comparison.

The admin is never part of Clientdesk; it is here only so the Clients page can be measured beside
the changelist a Django developer gets for free (bench/urls.py registers a plain ModelAdmin).
"""

import os
import tempfile

os.environ.setdefault("CLIENTDESK_SECRET_KEY", "bench-only-secret-key-never-used-for-anything-real")
os.environ.setdefault("CLIENTDESK_ALLOWED_HOSTS", "testserver")
if "CLIENTDESK_VAR_DIR" not in os.environ:  # bench/clients.py gives one it removes afterwards
    os.environ["CLIENTDESK_VAR_DIR"] = tempfile.mkdtemp(prefix="clientdesk-bench-var-")

from clientdesk.settings import *  # noqa: F403

DEBUG = False  # as in production: no query log kept in memory
ALLOWED_HOSTS = ["testserver"]  # django.test.Client's host: requests go through the handler
INSTALLED_APPS = [*INSTALLED_APPS, "django.contrib.admin"]  # noqa: F405
ROOT_URLCONF = "bench.urls"
# The handler is called in-process over plain HTTP; nothing leaves the machine.
SECURE_SSL_REDIRECT = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
# No collectstatic in a throwaway run: static URLs are built without the manifest.
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405 - whitenoise warns otherwise
# The bench signs in with force_login and never checks a password; its users are made quickly.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
