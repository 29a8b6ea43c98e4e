"""The network's analytics settings: which payment item's expenses are the advertising spend in
the LTV report. Reading needs VIEW in analytics, saving EDIT (the owner has it); the items offered
are the network's own expense items, so another network's item cannot be chosen."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from frontdesk.accounts.permissions import Level, Section
from frontdesk.analytics.models import AnalyticsSettings
from frontdesk.analytics.reports.ltv import advertising_item
from frontdesk.finance.models import ItemKind, PaymentItem
from frontdesk.tenancy.permissions import section_required


class SettingsForm(forms.Form):
    advertising_item = forms.ModelChoiceField(
        label=_("Advertising spend item"),
        queryset=PaymentItem.unscoped.none(),
        required=False,
        empty_label=_("The default «Advertising» item"),
        help_text=_("The LTV report subtracts the expenses under this payment item from the revenue."),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, chain, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advertising_item"].queryset = PaymentItem.unscoped.filter(
            chain=chain, kind=ItemKind.EXPENSE, is_archived=False
        )


@section_required(Section.ANALYTICS, Level.VIEW)
def settings_page(request, company_id):
    chain = request.chain
    current = AnalyticsSettings.objects.filter(chain=chain).first()
    can_edit = request.membership.can(Section.ANALYTICS, Level.EDIT)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        form = SettingsForm(request.POST, chain=chain)
        if form.is_valid():
            row = current or AnalyticsSettings(chain=chain)
            row.advertising_item = form.cleaned_data["advertising_item"]
            row.save()  # the event log keeps the change (an audited model)
            messages.success(request, _("The analytics settings are saved."))
            return redirect("analytics:settings", company_id=request.company.pk)
        return render(request, "analytics/settings.html", _context(request, form, can_edit), status=400)
    form = SettingsForm(initial={"advertising_item": current.advertising_item_id if current else None}, chain=chain)
    return render(request, "analytics/settings.html", _context(request, form, can_edit))


def _context(request, form, can_edit):
    return {"form": form, "can_edit": can_edit, "item": advertising_item(request.chain)}
