from django.core.management import call_command

from frontdesk.notifications.models import (
    TEMPLATE_EVENTS,
    ChannelSettings,
    Message,
    MessageEvent,
    MessageStatus,
    MessageTemplate,
)


def test_the_demo_has_settings_templates_and_upcoming_reminders_but_no_seeded_confirmations(db):
    call_command("demo_data", stdout=open("/dev/null", "w"))  # noqa: SIM115
    settings = ChannelSettings.objects.get(company=None)
    assert settings.reminder_list == [24, 2]
    # every template event × 3 channels × 2 languages
    assert MessageTemplate.objects.filter(chain=settings.chain).count() == len(TEMPLATE_EVENTS) * 3 * 2
    assert not Message.objects.exclude(event=MessageEvent.REMINDER).exists()
    reminders = Message.objects.filter(event=MessageEvent.REMINDER)
    assert reminders.exists() and set(reminders.values_list("status", flat=True)) == {MessageStatus.PENDING}
    assert set(reminders.values_list("reminder_hours", flat=True)) == {24, 2}
