"""Demo staff: eight specialists (four per branch) with positions, services of their trade and
schedules for the coming three months — 2/2 shifts 10:00–21:00 and a 5/2 week 09:00–18:00 with
a lunch break."""

from __future__ import annotations

import datetime

from django.utils import timezone

from frontdesk.catalog.models import Position, Service
from frontdesk.staff import schedules, services
from frontdesk.staff.grid import add_months, month_bounds
from frontdesk.staff.models import ScheduleTemplate, Specialist
from frontdesk.tenancy.demo import SPECIALISTS, Demo, register_demo_step

HAIR = ("стриж", "окраш", "уклад", "волос", "тонир", "мелир", "причес", "парикмах")
NAILS = ("маник", "педик", "ногт", "гель")
FACE = ("космет", "лиц", "пилинг", "чистк", "бров", "ресниц", "уход")
MASSAGE = ("массаж", "спа", "spa", "обёрт", "оберт")

# (position, specialisation, service keywords, rating, about)
TRADES = [
    ("Парикмахер-стилист", "Женские стрижки и укладки", HAIR, "4.9", "Стаж 12 лет, любит короткие стрижки."),
    ("Мастер маникюра", "Маникюр, покрытие гель-лаком", NAILS, "4.8", "Аккуратный аппаратный маникюр."),
    ("Колорист", "Сложное окрашивание, блонд", HAIR, "5.0", "Airtouch, шатуш, тонирование."),
    ("Косметолог", "Уход за лицом, брови и ресницы", FACE, "4.7", "Подберёт уход под ваш тип кожи."),
    ("Барбер", "Мужские стрижки и бороды", HAIR, "4.8", "Классика и фейды."),
    ("Мастер маникюра", "Маникюр и педикюр", NAILS, "4.9", "Педикюр с уходом для стоп."),
    ("Массажист", "Классический и спортивный массаж", MASSAGE, "4.9", "Медицинское образование."),
    ("Парикмахер-стилист", "Стрижки, укладки, вечерние причёски", HAIR, "4.6", "Свадебные и вечерние образы."),
]


def _matches(service: Service, keywords) -> bool:
    text = f"{service.category.title} {service.title}".lower()
    return any(word in text for word in keywords)


@register_demo_step(20)
def create_demo_staff(demo: Demo) -> None:
    chain = demo.chain
    services.ensure_preset_templates(chain)
    shifts = ScheduleTemplate.objects.create(
        chain=chain,
        name="2/2 10:00–21:00",
        kind="cycle",
        days=schedules.cycle_days(2, 2, [(datetime.time(10), datetime.time(21))]),
    )
    week = [[["09:00", "13:00"], ["14:00", "18:00"]]] * 5 + [[], []]
    five_two = ScheduleTemplate.objects.create(
        chain=chain, name="5/2 09:00–18:00, обед 13–14", kind="weekly", days=week
    )
    today = timezone.now().astimezone(demo.companies[0].tz).date()
    date_from = today.replace(day=1)
    date_to = month_bounds(add_months(date_from, 2))[1]
    all_services = list(Service.objects.filter(is_archived=False).select_related("category"))
    for index, ((name, phone), trade) in enumerate(zip(SPECIALISTS, TRADES, strict=True)):
        title, specialisation, keywords, rating, about = trade
        company = demo.companies[index % 2]
        position = Position.objects.filter(company=company, title=title).first() or Position.objects.create(
            company=company, title=title
        )
        specialist = Specialist(
            chain=chain,
            name=name,
            phone=phone,
            email=demo.specialist_users[index].email or "",
            position=position,
            specialization=specialisation,
            description=about,
            rating=rating,
            sort_order=index,
        )
        chosen = [
            services.ServiceChoice(s.pk) for s in all_services if s.company_id == company.pk and _matches(s, keywords)
        ]
        services.save_specialist(
            chain=chain,
            specialist=specialist,
            companies=[company],
            services=chosen,
            user=demo.specialist_users[index],
        )
        # Within a branch: two on 2/2 shifts covering each other, two on a 5/2 week.
        slot = index // 2
        if slot in (0, 1):
            anchor = date_from + datetime.timedelta(days=2 * slot)
            services.apply_template(shifts, [specialist], company, date_from, date_to, anchor)
        else:
            services.apply_template(five_two, [specialist], company, date_from, date_to)
