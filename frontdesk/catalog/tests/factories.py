from decimal import Decimal

from frontdesk.catalog.models import Service, ServiceCategory


def make_category(company, title="Стрижки", **extra) -> ServiceCategory:
    return ServiceCategory.objects.create(company=company, chain_id=company.chain_id, title=title, **extra)


def make_service(category, title="Женская стрижка", duration=60, price_min=2500, price_max=None, **extra) -> Service:
    return Service.objects.create(
        company_id=category.company_id,
        chain_id=category.chain_id,
        category=category,
        title=title,
        duration=duration,
        price_min=Decimal(price_min),
        price_max=Decimal(price_max if price_max is not None else price_min),
        **extra,
    )
