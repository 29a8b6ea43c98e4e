from django import forms
from django.utils.translation import gettext_lazy as _

from frontdesk.core.forms import BootstrapFormMixin


class PartnerTokenForm(BootstrapFormMixin, forms.Form):
    name = forms.CharField(
        label=_("Integration"), max_length=120, help_text=_("What the token is for: a site, an app, a script.")
    )
