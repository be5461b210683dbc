import logging

from django.test import Client

from tests.clients.factories import make_client


def test_a_server_error_shows_the_apps_own_page_and_no_details(db, settings):
    settings.ROOT_URLCONF = "tests.core.broken_urls"
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text


def test_a_missing_page_is_the_apps_404(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404 and "Nothing here" in response.text


def test_a_refusal_logs_one_line_with_its_reason_and_no_traceback(cast, caplog):
    client = make_client(cast)
    viewer = Client()
    viewer.force_login(cast.viewer.user)
    with caplog.at_level(logging.INFO):
        response = viewer.get(f"/a/acme/clients/{client.pk}/edit/")
    assert response.status_code == 403
    assert [(r.name, r.levelname, r.getMessage()) for r in caplog.records] == [
        (
            "django.request",
            "WARNING",
            f"Forbidden (Your role does not allow this.): /a/acme/clients/{client.pk}/edit/",
        )
    ]
    assert caplog.records[0].exc_info is None and "Traceback" not in caplog.text
