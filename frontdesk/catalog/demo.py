"""The demo salon's catalogue: what a Moscow beauty salon sells, at Moscow prices."""

from decimal import Decimal

from frontdesk.catalog.models import Position, Resource, Service, ServiceCategory
from frontdesk.tenancy.demo import Demo, register_demo_step

POSITIONS = [
    ("Парикмахер-стилист", "Стрижки, окрашивание и укладки."),
    ("Мастер маникюра", "Маникюр и педикюр, покрытие гель-лаком, дизайн."),
    ("Косметолог", "Уходовые и аппаратные процедуры для лица."),
    ("Массажист", "Классический, лимфодренажный и спортивный массаж."),
    ("Бровист", "Коррекция и окрашивание бровей, ламинирование ресниц."),
]

# Resource title -> how many clients at once.
RESOURCES = {"Массажный кабинет": 1, "Кабинет косметолога": 1, "Педикюрное кресло": 2}

# (title, minutes, price from, price to or None, online booking, group places or None, resource, description)
CATALOGUE = {
    "Стрижки": [
        ("Женская стрижка", 60, 2500, 3500, True, None, None, "Стрижка с мытьём головы и укладкой феном."),
        ("Мужская стрижка", 45, 1800, None, True, None, None, "Машинкой и ножницами, мытьё головы."),
        ("Детская стрижка (до 12 лет)", 30, 1200, None, True, None, None, ""),
        ("Стрижка чёлки", 15, 500, None, True, None, None, ""),
        ("Стрижка горячими ножницами", 75, 3500, 4500, True, None, None, "Запаивает кончики, волосы меньше секутся."),
    ],
    "Окрашивание": [
        ("Окрашивание в один тон", 120, 4500, 7500, True, None, None, "Цена зависит от длины и густоты волос."),
        ("Окрашивание корней", 90, 3500, None, True, None, None, "Корни до 3 см."),
        ("Мелирование", 150, 5500, 9000, True, None, None, ""),
        ("Airtouch", 240, 12000, 18000, False, None, None, "Сложное окрашивание, по предварительной консультации."),
        ("Тонирование", 60, 3000, 5000, True, None, None, ""),
        ("Консультация колориста", 20, 0, None, True, None, None, "Бесплатно при записи на окрашивание."),
    ],
    "Укладки": [
        ("Укладка феном", 40, 1800, 2500, True, None, None, ""),
        ("Вечерняя причёска", 90, 4000, 6000, True, None, None, ""),
        ("Локоны", 60, 2500, 3500, True, None, None, ""),
        ("Плетение кос", 45, 1500, 3000, True, None, None, ""),
    ],
    "Маникюр": [
        ("Маникюр без покрытия", 45, 1500, None, True, None, None, "Комбинированный или аппаратный."),
        ("Маникюр с покрытием гель-лаком", 90, 2800, None, True, None, None, ""),
        ("Укрепление ногтей гелем", 120, 3500, None, True, None, None, ""),
        ("Наращивание ногтей", 180, 4500, 6000, True, None, None, ""),
        ("Снятие покрытия", 15, 400, None, True, None, None, ""),
        ("Дизайн ногтей", 15, 100, 1000, True, None, None, "Цена за все ногти, зависит от сложности."),
        ("Мужской маникюр", 45, 1700, None, True, None, None, ""),
    ],
    "Педикюр": [
        ("Педикюр без покрытия", 60, 2500, None, True, None, "Педикюрное кресло", ""),
        ("Педикюр с покрытием гель-лаком", 90, 3500, None, True, None, "Педикюрное кресло", ""),
        ("Обработка стоп", 45, 2000, None, True, None, "Педикюрное кресло", ""),
        ("SPA-педикюр", 105, 4200, None, True, None, "Педикюрное кресло", "С пилингом, маской и массажем стоп."),
    ],
    "Косметология": [
        ("Чистка лица комбинированная", 90, 4500, None, True, None, "Кабинет косметолога", ""),
        ("Пилинг лица", 45, 3000, 6000, True, None, "Кабинет косметолога", "Поверхностный или срединный."),
        ("Уходовая процедура для лица", 60, 3500, None, True, None, "Кабинет косметолога", ""),
        ("Микротоковая терапия", 45, 3200, None, True, None, "Кабинет косметолога", ""),
        ("Консультация косметолога", 30, 1000, None, True, None, "Кабинет косметолога", ""),
    ],
    "Массаж": [
        ("Классический массаж спины", 30, 2200, None, True, None, "Массажный кабинет", ""),
        ("Общий массаж тела", 60, 4000, None, True, None, "Массажный кабинет", ""),
        ("Лимфодренажный массаж", 60, 4500, None, True, None, "Массажный кабинет", ""),
        ("Антицеллюлитный массаж", 45, 3500, None, True, None, "Массажный кабинет", ""),
        ("Массаж лица", 30, 2500, None, True, None, "Кабинет косметолога", ""),
        ("Йога для спины (группа)", 60, 900, None, True, 8, None, "Групповое занятие с массажистом-реабилитологом."),
    ],
    "Брови и ресницы": [
        ("Коррекция бровей", 30, 1200, None, True, None, None, ""),
        ("Окрашивание бровей", 30, 1000, None, True, None, None, ""),
        ("Долговременная укладка бровей", 60, 2800, None, True, None, None, ""),
        ("Ламинирование ресниц", 75, 3200, None, True, None, None, ""),
        ("Наращивание ресниц (классика)", 120, 3500, 4000, True, None, None, ""),
    ],
}


@register_demo_step(10)
def create_catalogue(demo: Demo) -> None:
    for company in demo.companies:
        common = {"company": company, "chain": demo.chain}
        for title, description in POSITIONS:
            Position.objects.create(title=title, description=description, **common)
        resources = {
            title: Resource.objects.create(title=title, capacity=capacity, **common)
            for title, capacity in RESOURCES.items()
        }
        for category_order, (category_title, rows) in enumerate(CATALOGUE.items()):
            category = ServiceCategory.objects.create(title=category_title, sort_order=category_order, **common)
            for order, (title, minutes, price_min, price_max, online, places, resource, description) in enumerate(rows):
                service = Service.objects.create(
                    category=category,
                    title=title,
                    description=description,
                    duration=minutes,
                    price_min=Decimal(price_min),
                    price_max=Decimal(price_max if price_max is not None else price_min),
                    online_booking=online,
                    is_group=places is not None,
                    capacity=places or 1,
                    buffer_after=10 if resource else 0,
                    sort_order=order,
                    **common,
                )
                if resource:
                    service.resources.add(resources[resource])
