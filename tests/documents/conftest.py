import pytest


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path):
    """Each test keeps its files in a folder of its own, so what is left there is its own."""
    settings.MEDIA_ROOT = tmp_path / "media"
