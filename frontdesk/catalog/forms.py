from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.catalog.models import Position, Resource, Service, ServiceCategory
from frontdesk.catalog.services import MAX_BUFFER_MINUTES
from frontdesk.core.forms import BootstrapFormMixin, MoneyField
from frontdesk.core.spreadsheets.forms import UploadForm

IMAGE_MAX_BYTES = 2 * 1024 * 1024


class CategoryForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = ServiceCategory
        fields = ["title"]


class ServiceChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.category.title} · {obj.title}"


class ServiceForm(BootstrapFormMixin, forms.ModelForm):
    # Querysets are set per branch in __init__; at import time there is no tenant scope.
    category = forms.ModelChoiceField(label=_("category"), queryset=ServiceCategory.unscoped.none())
    resources = forms.ModelMultipleChoiceField(
        label=_("resources"),
        queryset=Resource.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
    )
    price_max = MoneyField(label=_("price to"), required=False, help_text=_("Leave empty for a fixed price."))

    class Meta:
        model = Service
        fields = [
            "category",
            "title",
            "description",
            "duration",
            "price_min",
            "price_max",
            "online_booking",
            "is_group",
            "capacity",
            "resources",
            "buffer_before",
            "buffer_after",
            "image",
            "sort_order",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "image": forms.ClearableFileInput(attrs={"accept": "image/*"}),
        }
        help_texts = {
            "capacity": _("How many clients can book one session of a group service."),
            "buffer_before": _("Time the specialist needs before the client arrives."),
            "buffer_after": _("Time to clean up after the client leaves."),
        }

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = ServiceCategory.objects.filter(company=company, is_archived=False)
        self.fields["category"].empty_label = None
        self.fields["resources"].queryset = Resource.objects.filter(company=company, is_archived=False)
        self.fields["resources"].required = False
        for name in ("duration", "buffer_before", "buffer_after"):
            self.fields[name].widget.attrs.update({"min": 0 if name != "duration" else 5, "step": 5})
        self.fields["duration"].widget.attrs["max"] = 1440
        self.fields["price_min"].label = _("price from")
        self.fields["price_min"].widget.attrs.update({"min": 0, "step": "any", "inputmode": "decimal"})
        self.fields["price_max"].widget.attrs.update({"min": 0, "step": "any", "inputmode": "decimal"})
        self.fields["capacity"].widget.attrs["min"] = 1
        self.fields["sort_order"].required = False
        # Empty "price to" means a fixed price and empty "order" keeps the current one: a blank form
        # must not offer the model's 0 there, or "price to" 0 refuses any fixed price above it.
        if self.instance.price_max == self.instance.price_min:
            self.initial["price_max"] = None
        if self.instance.pk is None:
            self.initial["sort_order"] = None

    def clean_description(self):
        return self.cleaned_data["description"].replace("\r\n", "\n").strip()

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image and hasattr(image, "size") and image.size > IMAGE_MAX_BYTES:
            raise ValidationError(_("The image must be at most 2 MB."))
        return image

    def clean_buffer_before(self):
        return self._clean_buffer("buffer_before")

    def clean_buffer_after(self):
        return self._clean_buffer("buffer_after")

    def _clean_buffer(self, name):
        value = self.cleaned_data.get(name)
        if value is not None and value > MAX_BUFFER_MINUTES:
            raise ValidationError(_("At most %(max)d minutes.") % {"max": MAX_BUFFER_MINUTES})
        return value

    def clean_sort_order(self):
        value = self.cleaned_data.get("sort_order")
        return self.instance.sort_order if value is None else value

    def clean(self):
        data = super().clean()
        price_min, price_max = data.get("price_min"), data.get("price_max")
        if price_min is not None and price_max is None and "price_max" not in self.errors:
            data["price_max"] = price_min
        elif price_min is not None and price_max is not None and price_min > price_max:
            self.add_error("price_max", _("The price “to” must not be less than the price “from”."))
        if not data.get("is_group"):
            data["capacity"] = 1
        return data


class PositionForm(BootstrapFormMixin, forms.ModelForm):
    class Meta:
        model = Position
        fields = ["title", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ResourceForm(BootstrapFormMixin, forms.ModelForm):
    services = ServiceChoiceField(
        label=_("Services that need it"),
        queryset=Service.unscoped.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple(),
    )

    class Meta:
        model = Resource
        fields = ["title", "capacity"]
        help_texts = {"capacity": _("How many clients it can serve at the same time.")}

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["services"].queryset = (
            Service.objects.filter(company=company, is_archived=False, category__is_archived=False)
            .select_related("category")
            .order_by("category__sort_order", "category__title", "sort_order", "title")
        )
        self.fields["capacity"].widget.attrs["min"] = 1
        if self.instance.pk:
            self.initial["services"] = list(
                self.instance.services.filter(is_archived=False).values_list("pk", flat=True)
            )


class ImportForm(UploadForm):
    extensions = (".xlsx", ".xlsm")
    max_mb = 10

    create_missing = forms.BooleanField(
        label=_("Create missing categories"),
        required=False,
        help_text=_("Otherwise a row with a category that does not exist yet is reported as an error."),
    )
