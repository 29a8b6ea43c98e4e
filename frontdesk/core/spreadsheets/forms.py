"""The upload form every importer uses.

What an importer accepts is a parameter, set on a subclass: the endings of the file names it
reads (`extensions`), the largest file in megabytes (`max_mb`) and the message for a file of
another kind (`wrong_type`). A subclass may also relabel the field or add the importer's own
options. The size is checked before the name, and both before the file is read at all."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from frontdesk.core.forms import BootstrapFormMixin


class UploadForm(BootstrapFormMixin, forms.Form):
    extensions: tuple[str, ...] = (".xlsx",)
    max_mb: int = 5
    wrong_type = _("Upload an Excel workbook (.xlsx). Save other formats as .xlsx first.")

    file = forms.FileField(label=_("Excel file (.xlsx)"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's file chooser offers only what the form accepts (a hint: clean_file decides).
        self.fields["file"].widget.attrs["accept"] = ",".join(self.extensions)

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > self.max_mb * 1024 * 1024:
            raise ValidationError(_("The file is too large: at most %(mb)s MB."), params={"mb": self.max_mb})
        if not upload.name.lower().endswith(self.extensions):
            raise ValidationError(self.wrong_type)
        return upload
