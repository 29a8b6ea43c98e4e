"""Money and phones look the same on every screen: the main pages, rendered over the demo network,
show no amount written by hand (“2500.00”, “1800.00 ₽”, a dot for decimals in Russian) and no
raw E.164 phone (“+79165551234”) in the text a person reads. Links (`href="tel:…"`) and the
values of inputs are for machines and may keep the plain forms. A page that formats money or
a phone by itself fails here; the cure is the `money` and `phone` filters (core/templatetags/
formatting.py)."""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client as Browser
from django.urls import reverse

from frontdesk.clients.models import Client
from frontdesk.core.scopes import scope
from frontdesk.finance.models import Account, Sale
from frontdesk.loyalty.models import Card
from frontdesk.prepaid.models import Abonement, Certificate
from frontdesk.scheduling.models import Record
from frontdesk.tenancy.demo import create_demo

pytestmark = pytest.mark.django_db

# An amount of four or more digits with kopecks and no grouping — “2500.00”, “1800,00” — or next
# to the currency sign — “2500 ₽”.
UNGROUPED = re.compile(r"(?<![\d.,])\d{4,}(?:[.,]\d\d(?![\d.,])|\s?₽)")
# Kopecks after a dot on a Russian page: “300.00”, “1 500.50 ₽” (dates “07.12.2026” are not amounts).
DOT_DECIMAL = re.compile(r"(?<![\d.])\d{1,3}\.\d\d(?![\d.])")
# A phone as stored: “+79165551234”.
E164 = re.compile(r"\+\d{10,15}\b")


class VisibleText(HTMLParser):
    """The text a person reads: no scripts, styles, attributes or input values."""

    def __init__(self):
        super().__init__()
        self.skip, self.parts = 0, []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self.skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self.skip:
            self.skip -= 1

    def handle_data(self, data):
        if not self.skip:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return " ".join(parser.parts)


def unformatted(text: str) -> list[str]:
    found = UNGROUPED.findall(text) + E164.findall(text)
    found += [m.group(0) for m in DOT_DECIMAL.finditer(text) if not re.match(r"\d{1,2}\.\d\d\.\d", text[m.start() :])]
    return found


@pytest.fixture
def demo_pages():
    demo = create_demo()
    demo.owner.language = "ru"
    demo.owner.save(update_fields=["language"])
    company = demo.companies[0]
    with scope(demo.chain):
        client = Client.objects.filter(records__company=company).distinct().order_by("pk").first()
        sale = Sale.objects.filter(company=company, visit__isnull=False).order_by("-total").first()
        unpaid = (
            Record.objects.filter(company=company, visit__isnull=False, visit__sale__isnull=True, client__isnull=False)
            .exclude(status__in=["cancelled", "no_show"])
            .order_by("start")
            .first()
        )
        account = Account.objects.filter(company=company).first()
        card = Card.objects.order_by("pk").first()
        certificate = Certificate.objects.order_by("pk").first()
        abonement = Abonement.objects.order_by("pk").first()
    c = company.pk
    urls = [
        reverse("journal:page", args=[c]),
        reverse("journal:print", args=[c]),
        reverse("clients:list", args=[c]),
        reverse("clients:card", args=[c, client.pk]),
        reverse("finance:accounts", args=[c]),
        reverse("finance:account", args=[c, account.pk]),
        reverse("finance:sale", args=[c, sale.pk]),
        reverse("finance:sell", args=[c]),
        reverse("finance:report_cash", args=[c]),
        reverse("finance:report_items", args=[c]),
        reverse("finance:report_methods", args=[c]),
        reverse("finance:report_debts", args=[c]),
        reverse("finance:report_refunds", args=[c]),
        reverse("loyalty:programmes", args=[c]),
        reverse("loyalty:cards", args=[c]),
        reverse("prepaid:certificates", args=[c]),
        reverse("prepaid:certificate_types", args=[c]),
        reverse("prepaid:abonements", args=[c]),
        reverse("prepaid:abonement_types", args=[c]),
        reverse("catalog:services", args=[c]),
        reverse("staff:list", args=[c]),
    ]
    if unpaid is not None:
        urls += [
            reverse("journal:record", args=[c, unpaid.pk]),
            reverse("finance:checkout", args=[c, unpaid.visit_id]),
        ]
    if card is not None:
        urls.append(reverse("loyalty:card", args=[c, card.pk]))
    if certificate is not None:
        urls.append(reverse("prepaid:certificate", args=[c, certificate.pk]))
    if abonement is not None:
        urls.append(reverse("prepaid:abonement", args=[c, abonement.pk]))
    return demo, company, urls


def problems(browser, urls) -> dict:
    """What each page shows unformatted, the first few of each."""
    found = {}
    for url in urls:
        response = browser.get(url)
        assert response.status_code == 200, url
        shown = unformatted(visible_text(response.content.decode()))
        if shown:
            found[url] = shown[:5]
    return found


def test_back_office_pages_show_no_hand_formatted_money_or_raw_phones(demo_pages):
    demo, _company, urls = demo_pages
    browser = Browser()
    browser.force_login(demo.owner)
    assert problems(browser, urls) == {}


def test_the_public_booking_page_and_the_widget_show_money_and_phones_the_same_way(demo_pages):
    _demo, company, _urls = demo_pages
    page = reverse("booking:branch", args=[company.pk])
    assert problems(Browser(HTTP_ACCEPT_LANGUAGE="ru"), [page, page + "?widget=1"]) == {}


def test_the_scan_itself_catches_what_it_is_for():
    text = visible_text(
        "<p>Итого 2500.00 ₽, скидка 300.00, клиент +79165551234</p>"
        '<a href="tel:+79165551234">+7 916 555-12-34</a><input value="2500.00">'
        "<p>2 500,00 ₽ · 07.12.2026 · 12,5% · от 1800 ₽</p>"
    )
    assert unformatted(text) == ["2500.00", "1800 ₽", "+79165551234", "300.00"]


def test_exports_write_money_as_numbers_in_the_money_format(tenant_a, alice):
    """A spreadsheet gets amounts it can add up: numbers with the money format, not “2500.00” text."""
    from io import BytesIO

    from openpyxl import load_workbook

    from frontdesk.catalog.tests.factories import make_category, make_service
    from frontdesk.core.spreadsheets.writing import MONEY_FORMAT
    from frontdesk.testing.fixtures import client_for

    company = tenant_a.company
    make_service(make_category(company, "Стрижки"), "Женская стрижка", 60, 1500, 2500)
    exported = client_for(alice).get(reverse("catalog:export", args=[company.pk])).content
    sheet = load_workbook(BytesIO(exported)).active
    header = [cell.value for cell in sheet[1]]
    row = sheet[2]
    prices = [row[i] for i, title in enumerate(header) if any(w in str(title).lower() for w in ("price", "цена"))]
    assert prices and all(isinstance(cell.value, (int, float)) for cell in prices)
    assert {cell.number_format for cell in prices} == {MONEY_FORMAT}
