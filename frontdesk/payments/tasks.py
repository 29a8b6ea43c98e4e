"""Background work of receipts and online payments: thin wrappers over the services."""

from django_tasks import task

from frontdesk.core.scopes import scope
from frontdesk.payments.online import release_hold, release_unpaid_holds
from frontdesk.payments.receipts import deliver_receipt


@task()
def deliver_receipt_task(receipt_id: int) -> None:
    deliver_receipt(receipt_id)


@task()
def release_unpaid_holds_task() -> int:
    return release_unpaid_holds()


@task()
def release_hold_task(payment_id: int, chain_id: int) -> bool:
    with scope(chain_id):
        return release_hold(payment_id)
