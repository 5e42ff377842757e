"""The filters of the errors page (from the query string; an invalid one filters nothing)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from modules.monitoring.errors import LEVELS


class ErrorFilterForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), required=False)
    logger_name = forms.CharField(label=_("Logger"), max_length=200, required=False)
    platform_code = forms.ChoiceField(label=_("Platform"), required=False)
    search = forms.CharField(label=_("Search"), max_length=200, required=False)

    def __init__(self, *args: Any, platform_codes: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        everything = [("", _("All"))]
        self.fields["level"].choices = everything + [(level, level) for level in LEVELS]
        self.fields["platform_code"].choices = everything + [(c, c) for c in platform_codes]
