"""Demo online booking: both branches take bookings with sensible rules; the command prints the
booking pages."""

from django.urls import reverse

from frontdesk.booking.models import OnlineBookingSettings, StepOrder
from frontdesk.core.siteurl import absolute_url
from frontdesk.tenancy.demo import Demo, register_demo_info, register_demo_step


@register_demo_step(50)
def enable_online_booking(demo: Demo) -> None:
    for index, company in enumerate(demo.companies):
        booking = OnlineBookingSettings.for_company(company)
        booking.enabled = True
        booking.step = 15
        booking.min_notice = 60
        booking.max_days_ahead = 30
        booking.cancel_deadline = 180
        booking.step_order = StepOrder.SERVICE_FIRST if index == 0 else StepOrder.SPECIALIST_FIRST
        booking.welcome_text = "Запишитесь онлайн — это займёт меньше минуты."
        booking.confirmation_text = "Ждём вас! Если планы изменятся, перенесите или отмените запись по ссылке."
        booking.privacy_policy_url = "https://lavanda.example/privacy"
        booking.save()


@register_demo_info
def booking_pages(chain) -> list[str]:
    """The demo's booking pages, printed by `demo_data` on every run."""
    site = absolute_url("")
    lines = ["", "Online booking pages:"]
    for company in chain.companies.filter(is_active=True).order_by("pk"):
        lines.append(f"  {company.name:<20} {site}{reverse('booking:branch', kwargs={'branch_id': company.pk})}")
    lines.append(f"  {'network':<20} {site}{reverse('booking:network', kwargs={'chain_id': chain.pk})}")
    return lines
