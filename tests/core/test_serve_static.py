"""`clientdesk serve` prepares the static files a production start needs (core/staticprep.py)."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.templatetags.static import static
from django.test import Client

from clientdesk.core.staticprep import stale_reason, static_files_prepare

STYLESHEET = re.compile(r'href="(/static/clientdesk/dist/app\.[0-9a-f]{12}\.css)"')


@pytest.fixture
def production_static(settings, tmp_path):
    """The static files as CLIENTDESK_DEBUG off has them: a manifest, served from STATIC_ROOT."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATIC_ROOT.mkdir()  # empty, as after a fresh install
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    return settings


def as_a_new_server(settings) -> Client:
    """A client whose storage and whitenoise read STATIC_ROOT afresh, as a new server does."""
    settings.STATIC_ROOT = settings.STATIC_ROOT  # setting it again drops the cached storage
    return Client()


def fetch(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    body = b"".join(response.streaming_content)
    response.close()
    return body


def test_serve_collects_missing_static_files_so_pages_render_without_debug(db, production_static):
    with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
        as_a_new_server(production_static).get("/sign-in/")  # the 500 of the issue
    said: list[str] = []
    static_files_prepare(said.append)
    assert said == [
        f"Collecting static files into {production_static.STATIC_ROOT}: staticfiles.json is missing."
    ]
    browser = as_a_new_server(production_static)
    page = browser.get("/sign-in/")
    assert page.status_code == 200
    source = finders.find("clientdesk/dist/app.css")
    assert fetch(browser, STYLESHEET.search(page.text).group(1)) == Path(source).read_bytes()

    # The next start finds them current and leaves them be.
    manifest = production_static.STATIC_ROOT / "staticfiles.json"
    collected_at = manifest.stat().st_mtime_ns
    static_files_prepare(said.append)
    assert len(said) == 1 and manifest.stat().st_mtime_ns == collected_at


def test_changed_added_or_removed_sources_are_collected_again(db, production_static, tmp_path):
    sources = tmp_path / "sources"
    sources.mkdir()
    brand = sources / "brand.css"
    brand.write_text("body { color: red; }\n")
    production_static.STATICFILES_DIRS = [sources]
    # Only these sources: the app's own are the first test's, and collecting them takes seconds.
    production_static.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    static_files_prepare(lambda line: None)

    # A rollback: other bytes under an older time than the collected copy's.
    brand.write_text("body { color: blue; }\n")
    os.utime(brand, (1_000_000_000, 1_000_000_000))
    assert stale_reason() == "brand.css changed since the last collectstatic"
    said: list[str] = []
    static_files_prepare(said.append)
    assert said and said[0].endswith(": brand.css changed since the last collectstatic.")
    assert stale_reason() is None
    assert b"blue" in fetch(as_a_new_server(production_static), static("brand.css"))

    (sources / "extra.js").write_text("console.log('added');\n")
    assert stale_reason() == "extra.js is new since the last collectstatic"
    brand.unlink()
    static_files_prepare(lambda line: None)
    assert b"added" in fetch(as_a_new_server(production_static), static("extra.js"))
    assert not (production_static.STATIC_ROOT / "brand.css").exists()


def test_serve_refuses_to_start_naming_the_command_when_it_cannot_collect(tmp_path):
    (tmp_path / "static").write_text("a file where the static folder should be")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CLIENTDESK_", "DJANGO_"))},
        "CLIENTDESK_VAR_DIR": str(tmp_path),
        "CLIENTDESK_SECRET_KEY": "a-production-key-for-this-test-only-0123456789abcdef",
        "CLIENTDESK_ALLOWED_HOSTS": "127.0.0.1",
    }
    # 192.0.2.1 is a documentation address no machine has: were there no refusal, the web
    # server would fail to bind at once rather than stay up after the test.
    serve = ["serve", "--no-worker", "--host", "192.0.2.1", "--port", "8000"]
    result = subprocess.run(
        [sys.executable, "-m", "clientdesk", *serve],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert "The static files need collecting (staticfiles.json is missing)" in result.stderr
    assert "Run `clientdesk collectstatic --noinput`" in result.stderr
    assert "serving" not in result.stdout
