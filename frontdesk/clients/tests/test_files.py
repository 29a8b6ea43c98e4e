"""A client's files cannot run as pages of the back office (issue 22, B8): whatever type the
uploader declares, a file is shown inline only if its content is a PNG, JPEG, GIF or WebP picture,
and every file response is sandboxed and keeps its type (frontdesk/core/files.py)."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from frontdesk.clients.models import ClientFile
from frontdesk.clients.tests.factories import make_client
from frontdesk.core.scopes import scopes_disabled
from frontdesk.testing.fixtures import client_for

PAGES = {
    "html": b"<!doctype html><script>fetch('/').then(r => r.text()).then(alert)</script>",
    "svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(document.cookie)</script></svg>',
    "xhtml": b'<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>',
}


def png_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "purple").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def card(tenant_a):
    client = make_client(tenant_a, "Ирина Петрова", "+79001234567")
    company = tenant_a.company
    return client, company


def _upload(browser, company, client, name, content, declared):
    upload = SimpleUploadedFile(name, content, content_type=declared)
    url = reverse("clients:file_upload", kwargs={"company_id": company.pk, "client_id": client.pk})
    response = browser.post(url, {"file": upload, "kind": "before", "title": name})
    assert response.status_code == 302
    with scopes_disabled():
        return ClientFile.objects.filter(client=client).order_by("-id").first()


def _open(browser, company, client, stored):
    url = reverse(
        "clients:file", kwargs={"company_id": company.pk, "client_id": client.pk, "client_file_id": stored.pk}
    )
    return browser.get(url + "?inline=1")


def _assert_sandboxed(response):
    assert response["Content-Security-Policy"] == "sandbox"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("kind", sorted(PAGES))
@pytest.mark.parametrize("declared, name", [("image/png", "photo.png"), ("image/jpeg", "photo.jpg")])
def test_a_page_disguised_as_a_photo_is_only_ever_downloaded(card, alice, kind, declared, name):
    client, company = card
    browser = client_for(alice)
    stored = _upload(browser, company, client, name.replace("photo", f"photo-{kind}"), PAGES[kind], declared)
    assert not stored.is_image  # the card shows no thumbnail that points at it

    response = _open(browser, company, client, stored)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(response)
    assert b"".join(response.streaming_content) == PAGES[kind]  # the owner still gets the file itself


def test_a_real_photo_is_shown_inline_with_the_type_of_its_content(card, alice):
    client, company = card
    browser = client_for(alice)
    # Declared as JPEG and named .jpg, but a PNG: the type comes from the content.
    stored = _upload(browser, company, client, "after.jpg", png_bytes(), "image/jpeg")
    assert stored.is_image

    response = _open(browser, company, client, stored)
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline;")
    _assert_sandboxed(response)
    assert (
        "?inline=1"
        in browser.get(
            reverse("clients:card", kwargs={"company_id": company.pk, "client_id": client.pk})
        ).content.decode()
    )


def test_a_file_kept_with_a_trusted_image_type_before_the_fix_is_still_downloaded(card, alice):
    # Rows saved by earlier versions carry the uploader's declared type; serving checks the content again.
    client, company = card
    with scopes_disabled():
        stored = ClientFile.objects.create(
            chain=client.chain, client=client, title="logo", content_type="image/svg+xml",
            file=SimpleUploadedFile("logo.svg", PAGES["svg"]),
        )  # fmt: skip
    response = _open(client_for(alice), company, client, stored)
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(response)


def test_a_document_is_downloaded_not_opened(card, alice):
    client, company = card
    browser = client_for(alice)
    stored = _upload(
        browser, company, client, "contract.pdf", b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj", "application/pdf"
    )
    response = browser.get(
        reverse("clients:file", kwargs={"company_id": company.pk, "client_id": client.pk, "client_file_id": stored.pk})
    )
    assert response["Content-Disposition"].startswith("attachment;")
    _assert_sandboxed(response)
