"""A bench-only app: the model django-import-export imports into (bench/imports.py).

It exists only in bench/import_settings.py, never in Clientdesk's own settings.
"""
