"""What a branch sells: service categories (folders), services, positions and resources."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from frontdesk.core.models import CompanyScopedModel
from frontdesk.core.money import MoneyField

MAX_DURATION_MINUTES = 24 * 60


class ServiceCategory(CompanyScopedModel):
    title = models.CharField(_("title"), max_length=120)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["sort_order", "title", "id"]
        verbose_name = _("service category")
        verbose_name_plural = _("service categories")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "title"], condition=Q(is_archived=False), name="category_title_unique_in_branch"
            )
        ]

    def __str__(self):
        return self.title


class Resource(CompanyScopedModel):
    """A room, chair or piece of equipment that some services need; `capacity` at once."""

    title = models.CharField(_("title"), max_length=120)
    capacity = models.PositiveIntegerField(_("capacity"), default=1, validators=[MinValueValidator(1)])
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")

    def __str__(self):
        return self.title


class Service(CompanyScopedModel):
    """A service of a branch. Archived instead of deleted, so that history keeps its names."""

    category = models.ForeignKey(
        ServiceCategory, on_delete=models.PROTECT, related_name="services", verbose_name=_("category")
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    duration = models.PositiveIntegerField(
        _("duration, minutes"), default=60, validators=[MinValueValidator(5), MaxValueValidator(MAX_DURATION_MINUTES)]
    )
    price_min = MoneyField(_("price from"), default=0, validators=[MinValueValidator(0)])
    price_max = MoneyField(_("price to"), default=0, validators=[MinValueValidator(0)])
    buffer_before = models.PositiveIntegerField(_("preparation before, minutes"), default=0)
    buffer_after = models.PositiveIntegerField(_("cleanup after, minutes"), default=0)
    online_booking = models.BooleanField(_("online booking"), default=True)
    is_group = models.BooleanField(_("group service"), default=False)
    capacity = models.PositiveIntegerField(_("places"), default=1, validators=[MinValueValidator(1)])
    resources = models.ManyToManyField(Resource, blank=True, related_name="services", verbose_name=_("resources"))
    image = models.ImageField(_("image"), upload_to="services/", blank=True)
    sort_order = models.PositiveIntegerField(_("order"), default=0)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["sort_order", "title", "id"]
        verbose_name = _("service")
        verbose_name_plural = _("services")
        constraints = [
            models.CheckConstraint(condition=Q(price_max__gte=F("price_min")), name="service_price_range_ordered"),
            models.CheckConstraint(condition=Q(duration__gte=5), name="service_duration_positive"),
        ]

    def __str__(self):
        return self.title


class Position(CompanyScopedModel):
    """A job title: «Парикмахер-стилист», «Мастер маникюра»."""

    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    is_archived = models.BooleanField(_("archived"), default=False)

    class Meta:
        ordering = ["title", "id"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")

    def __str__(self):
        return self.title
