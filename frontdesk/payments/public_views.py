"""Public endpoints of online payments: the provider's webhook and the built-in test provider's
confirmation page («pay online» from a booking's own page is booking's, `booking.views.pay_booking`).
Neither needs a login; each finds its network from what the URL names and answers 404 (or 400 for
a webhook) for anything else."""

import logging

from django.db import DatabaseError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from frontdesk.core.ratelimit import ratelimit
from frontdesk.core.scopes import scope, scopes_disabled
from frontdesk.finance.errors import FinanceError
from frontdesk.payments.models import OnlinePaymentStatus, PaymentSettings, TestProviderPayment
from frontdesk.payments.online import handle_webhook
from frontdesk.payments.providers import (
    SIGNATURE_HEADER,
    InvalidWebhook,
    ProviderUnavailable,
    notification_body,
    sign,
)

log = logging.getLogger(__name__)


@csrf_exempt
@ratelimit("payments-webhook", limit=120, window=60)
def webhook(request, branch_id):
    """The provider tells us how a payment ended. 200 when applied or already applied; 400 for
    a forged, malformed or unknown notification (nothing changed); 409 when our side refused the
    money (an archived account) and 503 when the provider could not be asked to confirm it, so
    that the provider retries later."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        handle_webhook(branch_id, request.body, request.META)
    except InvalidWebhook as error:
        log.warning("Refused a payment webhook for branch %s: %s", branch_id, error)
        return HttpResponse("invalid notification", status=400, content_type="text/plain")
    except (FinanceError, DatabaseError) as error:
        log.warning("Could not apply a payment webhook for branch %s: %s", branch_id, error)
        return HttpResponse("try again later", status=409, content_type="text/plain")
    except ProviderUnavailable as error:
        log.warning("Could not check a payment webhook for branch %s with the provider: %s", branch_id, error)
        return HttpResponse("try again later", status=503, content_type="text/plain")
    return HttpResponse("ok", content_type="text/plain")


def _test_payment(payment_id) -> TestProviderPayment:
    with scopes_disabled():
        row = TestProviderPayment.unscoped.select_related("company__chain").filter(payment_id=payment_id).first()
    if row is None:
        raise Http404
    return row


@csrf_exempt
@ratelimit("payments-test-pay", limit=30, window=60)
def test_pay(request, payment_id):
    """The test provider's own page: the payer pays or declines; the provider then notifies the
    branch's webhook with a signed body, the same path a real provider's request takes."""
    row = _test_payment(payment_id)
    with scope(row.company.chain_id):
        if request.method == "POST" and row.status == OnlinePaymentStatus.PENDING:
            decision = request.POST.get("decision")
            if decision not in ("pay", "decline"):
                return render(request, "payments/test_pay.html", {"row": row, "bad": True}, status=400)
            status = OnlinePaymentStatus.SUCCEEDED if decision == "pay" else OnlinePaymentStatus.CANCELED
            # Compare-and-set: a double click pays once.
            if TestProviderPayment.objects.filter(pk=row.pk, status=OnlinePaymentStatus.PENDING).update(status=status):
                settings = PaymentSettings.objects.get(company=row.company)
                body = notification_body(row.payment_id, status, row.amount, row.currency, row.metadata)
                try:
                    handle_webhook(row.company_id, body, {SIGNATURE_HEADER: sign(settings.webhook_secret, body)})
                except (InvalidWebhook, FinanceError, DatabaseError):
                    log.exception("The test provider's notification was refused")
            if row.return_url:
                return redirect(row.return_url)
            row.refresh_from_db()
        return render(request, "payments/test_pay.html", {"row": row})
