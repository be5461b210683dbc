"""Settings for bench/imports.py: bench/settings.py plus the model django-import-export fills.

bench/ie_app is installed here only; Clientdesk's settings and its migrations never see it.
"""

from bench.settings import *  # noqa: F403

INSTALLED_APPS = [*INSTALLED_APPS, "import_export", "bench.ie_app"]  # noqa: F405
