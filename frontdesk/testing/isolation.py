"""What the tenant-isolation matrix needs to know about the project's URLs.

The matrix (frontdesk/tenancy/tests/test_isolation.py) walks every URL pattern. A back-office
URL names its branch as `company_id`; any other path parameter names an object, and this module
says how to make such an object in a given tenant. A new URL parameter without an entry here
fails the matrix, so every route added later is checked too.
"""

from datetime import timedelta

from django.utils import timezone

from frontdesk.accounts.models import Invitation, Membership
from frontdesk.accounts.permissions import Role
from frontdesk.catalog.models import Position, Resource, Service, ServiceCategory

# kwarg name -> function(tenant) -> the id of an object of that tenant
OBJECT_FACTORIES = {}

# Path parameters that name no tenant's object — the same thing for every network (a report of the
# analytics section): the value the matrix puts in. "Another network's object through one's own
# branch" does not apply to them; the branch in the URL still must be one's own.
NOT_OBJECTS = {"report_key": "visits"}


def object_factory(kwarg):
    def decorator(fn):
        OBJECT_FACTORIES[kwarg] = fn
        return fn

    return decorator


@object_factory("membership_id")
def _membership(tenant):
    return Membership.objects.get(chain=tenant.chain, user=tenant.owner).pk


@object_factory("invitation_id")
def _invitation(tenant):
    invitation = Invitation.objects.create(
        chain=tenant.chain,
        email=f"invitee-{tenant.chain.pk}@example.com",
        role=Role.ADMINISTRATOR,
        all_companies=True,
        expires_at=timezone.now() + timedelta(days=3),
    )
    return invitation.pk


def _staff_specialist(tenant):
    from frontdesk.staff.models import Specialist

    specialist = Specialist.objects.create(chain=tenant.chain, name=f"Specialist of {tenant.chain.name}")
    specialist.companies.set([tenant.company])
    return specialist


@object_factory("specialist_id")
def _specialist(tenant):
    return _staff_specialist(tenant).pk


@object_factory("template_id")
def _schedule_template(tenant):
    from frontdesk.staff.models import ScheduleTemplate

    days = [[["10:00", "19:00"]], [["10:00", "19:00"]], [], []]
    return ScheduleTemplate.objects.create(chain=tenant.chain, name="2/2", kind="cycle", days=days).pk


@object_factory("absence_id")
def _absence(tenant):
    import datetime

    from frontdesk.staff.models import Absence

    specialist = _staff_specialist(tenant)
    day = datetime.date(2026, 7, 1)
    return Absence.objects.create(chain=tenant.chain, specialist=specialist, date_from=day, date_to=day).pk


def _category_of(tenant):
    category, _created = ServiceCategory.objects.get_or_create(
        company=tenant.company, chain=tenant.chain, title="Isolation category"
    )
    return category


@object_factory("category_id")
def _category(tenant):
    return _category_of(tenant).pk


@object_factory("service_id")
def _service(tenant):
    category = _category_of(tenant)
    return Service.objects.create(company=tenant.company, chain=tenant.chain, category=category, title="Isolation").pk


@object_factory("position_id")
def _position(tenant):
    return Position.objects.create(company=tenant.company, chain=tenant.chain, title="Isolation position").pk


@object_factory("resource_id")
def _resource(tenant):
    return Resource.objects.create(company=tenant.company, chain=tenant.chain, title="Isolation room").pk


@object_factory("class_id")
def _group_event(tenant):
    from frontdesk.scheduling.tests.factories import make_group_event

    return make_group_event(tenant.company).pk


@object_factory("waitlist_entry_id")
def _waitlist_entry(tenant):
    from frontdesk.scheduling.tests.factories import make_waitlist_entry

    return make_waitlist_entry(tenant.company).pk


def _client_of(tenant):
    from frontdesk.clients.models import Client

    client, _created = Client.objects.get_or_create(
        chain=tenant.chain, phone="+79009990001", defaults={"name": f"Client of {tenant.chain.name}"}
    )
    return client


@object_factory("client_id")
def _client(tenant):
    return _client_of(tenant).pk


@object_factory("client_file_id")
def _client_file(tenant):
    from django.core.files.base import ContentFile

    from frontdesk.clients.models import ClientFile

    stored = ClientFile(chain=tenant.chain, client=_client_of(tenant), title="contract.txt", content_type="text/plain")
    stored.file.save("contract.txt", ContentFile(b"contract"), save=False)
    stored.save()
    return stored.pk


@object_factory("segment_id")
def _segment(tenant):
    from frontdesk.clients.models import Segment

    return Segment.objects.create(
        chain=tenant.chain, name=f"Segment {tenant.chain.pk}", params={"gender": ["female"]}
    ).pk


@object_factory("client_category_id")
def _client_category(tenant):
    from frontdesk.clients.models import ClientCategory

    return ClientCategory.objects.create(chain=tenant.chain, title="VIP isolation").pk


@object_factory("custom_field_id")
def _custom_field(tenant):
    from frontdesk.clients.models import CustomField

    return CustomField.objects.create(chain=tenant.chain, key="skin", label="Skin type").pk


@object_factory("client_import_id")
def _client_import(tenant):
    from frontdesk.clients.models import ClientImport

    return ClientImport.objects.create(
        chain=tenant.chain, filename="clients.csv", headers=["Телефон"], rows=[["+79001234567"]], mapping={"0": "phone"}
    ).pk


# Routes outside the back office (no company_id): each is public or about the user's own login.
# A new one must be added here on purpose, with a test of its own for who may use it.
ROUTES_OUTSIDE_BACKOFFICE = {
    "tenancy:home",
    "accounts:login",
    "accounts:logout",
    "tenancy:signup",
    # The sign-up's emailed link: the signed token carries the sign-up (tenancy/tests/test_signup.py).
    "tenancy:signup_sent",
    "tenancy:signup_finish",
    "accounts:profile",
    # The person's own API logins on the profile: found by the logged-in user, never by the id
    # alone (api/tests/test_user_tokens.py).
    "integrations:my_token_revoke",
    "accounts:confirm_email",
    "accounts:resend_confirmation",
    "accounts:accept_invitation",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "set_language",
    # The site's icon, the same for everyone (tested in frontdesk/core/tests/test_favicon.py).
    "favicon",
    # A specialist's secret iCalendar address: the token is the key (tests in test_feeds.py).
    "classes:calendar_feed",
    # Public booking pages: the branch, network or link token in the URL decides the scope
    # (frontdesk.booking.public); tested in frontdesk/booking/tests/test_public_isolation.py.
    "booking:branch",
    "booking:my_records",
    "booking:network",
    "booking:my",
    "booking:my_move",
    "booking:my_cancel",
    # Online payments: the provider's webhook (signed per branch), the test provider's page (its
    # payment id is the key) and «pay online» behind a booking link; tested in
    # frontdesk/payments/tests/test_online.py.
    "payments:webhook",
    "payments:test_pay",
    "booking:pay_booking",
    # The loyalty QR code on the counter: the branch in the URL decides the scope, the phone is
    # confirmed by SMS; tested in frontdesk/loyalty/tests/test_public.py.
    "loyalty:join",
    # Notifications: the unsubscribe link of marketing email (a signed token names the client)
    # and the Telegram bot's webhook (Telegram's secret header, an HMAC of the network); tested
    # in frontdesk/notifications/tests/test_mailings.py and test_telegram_link.py.
    "notifications:unsubscribe",
    "notifications:telegram_webhook",
}

# Prefixes of routes that belong to other interfaces with their own isolation tests.
PREFIXES_WITH_OWN_TESTS = ("admin/", "media/", "static/", "api/")


@object_factory("record_id")
def _record(tenant):
    """A booked record in the tenant's first branch (a service, a specialist, a shift)."""
    import datetime as _dt

    from frontdesk.scheduling.availability import Segment
    from frontdesk.scheduling.services import book_visit
    from frontdesk.scheduling.tests.factories import add_shift, make_service, make_specialist

    company = tenant.company
    day = timezone.localdate() + timedelta(days=3)
    service = make_service(company, "Isolation check", duration=30)
    specialist = make_specialist(company, f"Isolation {tenant.chain.pk}", [service])
    add_shift(specialist, company, day, "10:00", "18:00")
    start = _dt.datetime.combine(day, _dt.time(11), tzinfo=_dt.UTC)
    return book_visit(company=company, segments=[Segment(service.pk, specialist.pk)], start=start)[0].pk


@object_factory("token_id")
def _partner_token(tenant):
    from frontdesk.api.services import issue_partner_token

    return issue_partner_token(chain=tenant.chain, name="Isolation")[0].pk


def _finance_desk(tenant):
    from frontdesk.finance.models import Account, AccountKind

    desk, _created = Account.objects.get_or_create(
        company=tenant.company, chain=tenant.chain, title="Isolation desk", defaults={"kind": AccountKind.CASH}
    )
    return desk


@object_factory("account_id")
def _account(tenant):
    return _finance_desk(tenant).pk


@object_factory("payment_item_id")
def _payment_item(tenant):
    from frontdesk.finance.models import PaymentItem

    return PaymentItem.objects.create(chain=tenant.chain, title="Isolation item", kind="expense").pk


@object_factory("counterparty_id")
def _counterparty(tenant):
    from frontdesk.finance.models import Counterparty

    return Counterparty.objects.create(chain=tenant.chain, name="ООО «Изоляция»").pk


@object_factory("visit_id")
def _visit(tenant):
    from frontdesk.scheduling.models import Record

    return Record.objects.get(pk=_record(tenant)).visit_id


@object_factory("receipt_id")
def _receipt(tenant):
    from frontdesk.payments.models import FiscalReceipt

    return FiscalReceipt.objects.create(
        company=tenant.company,
        operation="sell",
        driver="test",
        total=100,
        document={
            "taxation": "usn_income",
            "items": [
                {
                    "name": "Isolation",
                    "price": "100.00",
                    "quantity": "1",
                    "sum": "100.00",
                    "vat": "none",
                    "payment_object": "service",
                    "payment_method": "full_payment",
                }
            ],
            "payments": [{"type": "cash", "sum": "100.00"}],
            "total": "100.00",
        },
    ).pk


@object_factory("online_payment_id")
def _online_payment(tenant):
    from frontdesk.payments.models import OnlinePayment

    return OnlinePayment.objects.create(
        company=tenant.company, chain_id=tenant.chain.pk, visit_id=_visit(tenant), provider="test", amount=100
    ).pk


@object_factory("sale_id")
def _sale(tenant):
    from frontdesk.finance.checkout import checkout_visit
    from frontdesk.finance.services import Payment
    from frontdesk.scheduling.models import Visit

    visit = Visit.objects.get(pk=_visit(tenant))
    return checkout_visit(visit, payments=[Payment(_finance_desk(tenant), "cash", "100")]).sale.pk


@object_factory("message_template_id")
def _message_template(tenant):
    from frontdesk.notifications.models import MessageTemplate
    from frontdesk.notifications.templating import ensure_default_templates

    ensure_default_templates(tenant.chain.pk)
    return MessageTemplate.objects.filter(chain=tenant.chain).order_by("pk").first().pk


@object_factory("programme_id")
def _loyalty_programme(tenant):
    from frontdesk.loyalty.models import Programme

    return Programme.objects.create(chain=tenant.chain, title="Isolation club", kind="bonus").pk


@object_factory("card_id")
def _loyalty_card(tenant):
    from frontdesk.loyalty.models import Card

    client = _client_of(tenant)
    card, _created = Card.objects.get_or_create(
        chain=tenant.chain,
        client=client,
        defaults={"number": f"99{tenant.chain.pk:08d}", "referral_code": f"ISO{tenant.chain.pk}"},
    )
    return card.pk


@object_factory("mailing_id")
def _mailing(tenant):
    from frontdesk.notifications.models import Mailing

    return Mailing.objects.create(
        chain=tenant.chain, company=tenant.company, name="Isolation mailing", body="Hello {{ client_name }}"
    ).pk


def _certificate_type(tenant):
    from frontdesk.prepaid.models import CertificateType

    return CertificateType.objects.create(chain=tenant.chain, title="Isolation certificate", nominal=1000)


@object_factory("certificate_type_id")
def _certificate_type_id(tenant):
    return _certificate_type(tenant).pk


@object_factory("certificate_id")
def _certificate(tenant):
    from frontdesk.prepaid.services import issue_certificate

    return issue_certificate(_certificate_type(tenant), company=tenant.company).pk


def _abonement_type(tenant):
    from frontdesk.prepaid.models import AbonementType

    return AbonementType.objects.create(chain=tenant.chain, title="Isolation abonement", price=1000, visits=4)


@object_factory("abonement_type_id")
def _abonement_type_id(tenant):
    return _abonement_type(tenant).pk


@object_factory("abonement_id")
def _abonement(tenant):
    from frontdesk.prepaid.services import issue_abonement

    return issue_abonement(_abonement_type(tenant), company=tenant.company, client=_client_of(tenant)).pk


def _saved_report_of(tenant):
    from frontdesk.analytics.builder.models import SavedReport

    return SavedReport.objects.create(
        chain=tenant.chain,
        company=tenant.company,
        author=tenant.owner,
        name="Isolation report",
        dataset="visits",
        measures=["records"],
        dimensions=["month"],
        chart="bar",
        shared=True,
    )


@object_factory("saved_report_id")
def _saved_report(tenant):
    return _saved_report_of(tenant).pk


@object_factory("subscription_id")
def _report_subscription(tenant):
    from frontdesk.analytics.builder.models import ReportSubscription

    return ReportSubscription.objects.create(
        chain=tenant.chain,
        company=tenant.company,
        author=tenant.owner,
        report=_saved_report_of(tenant),
        emails="owner@example.com",
    ).pk


def _warehouse_of(tenant):
    from frontdesk.warehouse.models import Warehouse

    found, _created = Warehouse.objects.get_or_create(
        chain=tenant.chain, company=tenant.company, title="Isolation warehouse"
    )
    return found


def _goods_of(tenant):
    from frontdesk.warehouse.models import Goods

    found, _created = Goods.objects.get_or_create(chain=tenant.chain, title="Isolation shampoo")
    return found


@object_factory("warehouse_id")
def _warehouse(tenant):
    return _warehouse_of(tenant).pk


@object_factory("goods_id")
def _goods(tenant):
    return _goods_of(tenant).pk


@object_factory("goods_category_id")
def _goods_category(tenant):
    from frontdesk.warehouse.models import GoodsCategory

    return GoodsCategory.objects.create(chain=tenant.chain, title="Isolation hair care").pk


@object_factory("stock_document_id")
def _stock_document(tenant):
    from frontdesk.finance.models import Counterparty
    from frontdesk.warehouse.services import ItemLine, receive

    supplier = Counterparty.objects.create(chain=tenant.chain, name="Isolation supplier")
    return receive(tenant.company, _warehouse_of(tenant), supplier, [ItemLine(_goods_of(tenant), 1, "10")]).pk


@object_factory("stocktaking_id")
def _stocktaking(tenant):
    from frontdesk.warehouse.models import Stocktaking
    from frontdesk.warehouse.stocktaking import start_count

    found = Stocktaking.objects.filter(warehouse=_warehouse_of(tenant), status="open").first()
    return (found or start_count(tenant.company, _warehouse_of(tenant))).pk


@object_factory("techcard_id")
def _techcard(tenant):
    from frontdesk.warehouse.models import TechCard, TechCardLine

    card = TechCard.objects.create(chain=tenant.chain, service_id=_service(tenant))
    TechCardLine.objects.create(chain=tenant.chain, card=card, goods=_goods_of(tenant), quantity=10)
    return card.pk


def _payroll_scheme_of(tenant):
    from frontdesk.payroll.models import Scheme

    found, _created = Scheme.objects.get_or_create(chain=tenant.chain, title="Isolation scheme")
    return found


@object_factory("scheme_id")
def _payroll_scheme(tenant):
    return _payroll_scheme_of(tenant).pk


@object_factory("scheme_rule_id")
def _payroll_scheme_rule(tenant):
    from frontdesk.payroll.models import SchemeRule

    service = Service.objects.get(pk=_service(tenant))
    return SchemeRule.objects.create(
        chain=tenant.chain, scheme=_payroll_scheme_of(tenant), service=service, percent=10
    ).pk


@object_factory("assignment_id")
def _payroll_assignment(tenant):
    from frontdesk.payroll.models import Assignment

    return Assignment.objects.create(
        chain=tenant.chain,
        company=tenant.company,
        specialist=_staff_specialist(tenant),
        scheme=_payroll_scheme_of(tenant),
        valid_from=timezone.localdate(),
    ).pk
