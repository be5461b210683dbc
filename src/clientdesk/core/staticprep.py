"""Static files for production: collected before the web server starts, refreshed when stale.

With CLIENTDESK_DEBUG off, pages name their CSS and JavaScript through collectstatic's manifest
(hashed names that browsers may cache for ever), and a page that names a file the manifest
lacks answers 500. So `clientdesk serve` compares the collected files with the app's static
sources at each start, and collects them again when they differ.
"""

import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.contrib.staticfiles.storage import ManifestFilesMixin
from django.core.management import CommandError, call_command
from django.utils.module_loading import import_string

COLLECT_COMMAND = "clientdesk collectstatic --noinput"


def static_sources() -> dict[str, Path]:
    """Each file collectstatic collects, by its name under STATIC_ROOT, with its source file.

    The same walk as collectstatic's: the first finder that lists a name wins.
    """
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    sources: dict[str, Path] = {}
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            prefix = getattr(storage, "prefix", None)
            name = os.path.join(prefix, path) if prefix else path
            sources.setdefault(name, Path(storage.path(path)))
    return sources


def stale_reason() -> str | None:
    """Why the collected static files cannot serve the current sources; None when they can.

    Bytes are compared, not times: a release unpacked with its build's timestamps, or a
    rollback, leaves sources older than the manifest and yet different from what it names.
    collectstatic keeps an unhashed copy of each file beside the hashed ones, so each source
    is compared with that copy (CSS and source maps are rewritten in the hashed ones).
    """
    manifest_file = _manifest_file()
    if manifest_file is None:
        return None  # development and tests serve the sources themselves, no manifest needed
    root = manifest_file.parent
    # Read here rather than through the storage, which raises on a broken manifest.
    try:
        manifest = json.loads(manifest_file.read_bytes())["paths"]
    except (FileNotFoundError, NotADirectoryError):
        return f"{manifest_file.name} is missing"
    except (OSError, ValueError, KeyError, TypeError):
        return f"{manifest_file.name} cannot be read"
    sources = static_sources()
    if added := sorted(sources.keys() - manifest.keys()):
        return f"{added[0]} is new since the last collectstatic"
    if gone := sorted(manifest.keys() - sources.keys()):
        return f"{gone[0]} is no longer among the static sources"
    for name, source in sorted(sources.items()):
        if not (root / manifest[name]).is_file():
            return f"{manifest[name]} is missing"
        if not _same_bytes(source, root / name):
            return f"{name} changed since the last collectstatic"
    return None


def _manifest_file() -> Path | None:
    backend = import_string(settings.STORAGES["staticfiles"]["BACKEND"])
    if not issubclass(backend, ManifestFilesMixin):
        return None
    return Path(settings.STATIC_ROOT) / backend.manifest_name


def _same_bytes(source: Path, copy: Path) -> bool:
    try:
        if source.stat().st_size != copy.stat().st_size:
            return False
        return source.read_bytes() == copy.read_bytes()
    except FileNotFoundError:
        return False


def static_files_prepare(say: Callable[[str], object]) -> None:
    """Collect the static files when they are missing or stale; refuse when that cannot work."""
    manifest_file, reason = _manifest_file(), stale_reason()
    if manifest_file is None or reason is None:
        return
    root = manifest_file.parent
    try:
        # Probe by writing a file: run as root, os.access says yes to any folder.
        root.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=root):
            pass
        # A broken manifest stops the storage itself, and so collectstatic; it is rewritten.
        manifest_file.unlink(missing_ok=True)
    except OSError as error:
        raise _cannot_collect(reason, root, error) from None
    say(f"Collecting static files into {root}: {reason}.")
    try:
        # --clear: collectstatic skips a copy that is newer than its source, and a copy that
        # differs would then be found stale at every start.
        call_command("collectstatic", interactive=False, clear=True, verbosity=0)
    except OSError as error:
        raise _cannot_collect(reason, root, error) from None


def _cannot_collect(reason: str, root: Path, error: OSError) -> CommandError:
    return CommandError(
        f"The static files need collecting ({reason}), but {root} cannot be written: {error}. "
        f"Run `{COLLECT_COMMAND}` as a user who can write there, then start again."
    )
