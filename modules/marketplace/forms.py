"""The portal's upload form: a feed file, its format told by its name and checked by its start."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.marketplace.services.jobs import format_of

DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024


def max_upload() -> int:
    return int(getattr(settings, "MARKETPLACE_MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD))


class UploadForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Feed file"),
        help_text=gettext_lazy("A product feed as CSV (UTF-8, with a header row) or JSON."),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > max_upload():
            raise forms.ValidationError(
                _("The file is larger than %(size)s.") % {"size": filesizeformat(max_upload())}
            )
        fmt = format_of(upload.name)
        if fmt is None:
            raise forms.ValidationError(_("Choose a .csv or .json file."))
        head = upload.read(4096)
        upload.seek(0)
        if b"\x00" in head:
            raise forms.ValidationError(_("This is not a text file."))
        if fmt == "json" and head.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] not in (b"[", b""):
            raise forms.ValidationError(_("A JSON feed must be an array of products."))
        return upload
