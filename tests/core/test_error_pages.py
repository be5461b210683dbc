from django.test import Client


def test_a_server_error_shows_the_apps_own_page_and_no_details(db, settings):
    settings.ROOT_URLCONF = "tests.core.broken_urls"
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "boom" not in response.text and "Traceback" not in response.text


def test_a_missing_page_is_the_apps_404(db):
    response = Client().get("/no/such/page/")
    assert response.status_code == 404 and "Nothing here" in response.text
