"""The portal's forms: the upload form (a feed file, its format told by its name and checked
by its start) and the form configuring a feed the vendor publishes at a URL."""

from __future__ import annotations

import urllib.parse
from typing import Any

from django import forms
from django.conf import settings
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from modules.marketplace.models import Feed
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


def _https_by_default(field: models.Field, **kwargs: Any) -> forms.Field | None:
    """Form fields as the model says, an address typed without a scheme read as https."""
    if isinstance(field, models.URLField):
        kwargs["assume_scheme"] = "https"
    return field.formfield(**kwargs)


class FeedForm(forms.ModelForm):
    """A feed of the vendor (the request's, given as ``vendor``): one per URL."""

    class Meta:
        model = Feed
        fields = ["name", "url", "format", "sync_every", "auto_publish", "enabled"]
        formfield_callback = _https_by_default

    def __init__(self, *args: Any, vendor: Any, **kwargs: Any) -> None:
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def clean_url(self) -> str:
        url = self.cleaned_data["url"]
        if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
            raise forms.ValidationError(_("Give an http:// or https:// address."))
        # The vendor is not a field, so Django skips the (vendor, url) constraint: check it.
        taken = Feed.objects.filter(vendor=self.vendor, url=url).exclude(pk=self.instance.pk)
        if taken.exists():
            raise forms.ValidationError(_("You already have a feed at this address."))
        return url
