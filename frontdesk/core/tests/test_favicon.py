"""Every page has an icon: /favicon.ico answers, and every template that opens a <head> links one."""

import pathlib
import re

import pytest
from django.urls import reverse

ROOT = pathlib.Path(__file__).resolve().parents[3]


@pytest.mark.django_db
def test_favicon_ico_is_an_icon_not_a_404(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # the ICO header


@pytest.mark.django_db
def test_the_public_booking_page_and_the_login_link_an_icon(client, tenant_a):
    for url in (reverse("booking:branch", kwargs={"branch_id": tenant_a.company.pk}), reverse("accounts:login")):
        assert re.search(r'<link rel="icon" href="/static/img/favicon\.ico', client.get(url).text), url


def test_every_page_template_with_a_head_links_the_icons():
    heads = [p for p in ROOT.glob("frontdesk/**/templates/**/*.html") if "<head>" in p.read_text(encoding="utf-8")]
    assert len(heads) >= 3
    missing = [str(p.relative_to(ROOT)) for p in heads if "includes/icons.html" not in p.read_text(encoding="utf-8")]
    assert missing == []
