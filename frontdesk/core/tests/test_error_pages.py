"""403, 404 and 500 pages: our own templates, in the visitor's language, never Django's debug page."""

import pytest
from django.test import Client

from frontdesk.testing.fixtures import client_for

pytestmark = pytest.mark.urls("frontdesk.core.tests.error_urls")

TEXTS = {
    403: {"en": "You have no access to this section", "ru": "У вас нет доступа к этому разделу"},
    404: {"en": "Page not found", "ru": "Страница не найдена"},
    500: {"en": "Something went wrong", "ru": "Что-то пошло не так"},
}
START_PAGE = {"en": "Go to the start page", "ru": "На главную"}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("status", [403, 404, 500])
def test_error_pages_are_shown_in_the_visitors_language(db, status, language):
    client = Client(raise_request_exception=False)
    response = client.get(f"/test-errors/{status}/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == status
    html = response.content.decode()
    assert TEXTS[status][language] in html
    assert START_PAGE[language] in html
    assert f'<html lang="{language}"' in html
    other = "ru" if language == "en" else "en"
    assert TEXTS[status][other] not in html


def test_an_unknown_address_gets_the_translated_404(db, client):
    response = client.get("/no-such-page/", HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 404
    assert "Страница не найдена" in response.content.decode()


@pytest.mark.parametrize("language", ["en", "ru"])
def test_a_specialist_opening_settings_gets_the_403_in_the_language_of_the_profile(sam, tenant_a, language):
    sam.language = language
    sam.save(update_fields=["language"])
    response = client_for(sam).get(f"/c/{tenant_a.company.pk}/settings/")
    assert response.status_code == 403
    assert TEXTS[403][language] in response.content.decode()


def test_a_crashing_view_gets_the_500_page_not_a_traceback(db):
    client = Client(raise_request_exception=False)
    response = client.get("/test-errors/500/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    html = response.content.decode()
    assert "Nothing you entered was half-saved" in html
    assert "RuntimeError" not in html and "Traceback" not in html
