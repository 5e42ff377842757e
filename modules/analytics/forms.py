"""The report filter: a preset range (the last 7, 30 or 90 days) or a custom one, and the
granularity of the series. Bad input is answered with field errors (the page's 400)."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from orion_core.contracts.sales import Granularity

MAX_SPAN = datetime.timedelta(days=731)  # two years, a leap day included
CUSTOM = "custom"
PRESETS = {"7": 7, "30": 30, "90": 90}
DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ReportForm(forms.Form):
    preset = forms.ChoiceField(
        label=_("Period"),
        choices=[
            ("7", _("Last 7 days")),
            ("30", _("Last 30 days")),
            ("90", _("Last 90 days")),
            (CUSTOM, pgettext_lazy("analytics", "Custom")),
        ],
        initial="30",
        required=False,
    )
    start = forms.DateField(
        label=pgettext_lazy("analytics", "From"), required=False, widget=DATE_INPUT
    )
    end = forms.DateField(label=pgettext_lazy("analytics", "To"), required=False, widget=DATE_INPUT)
    granularity = forms.ChoiceField(
        label=_("Group by"),
        choices=[
            (Granularity.DAY.value, pgettext_lazy("analytics", "Day")),
            (Granularity.WEEK.value, pgettext_lazy("analytics", "Week")),
            (Granularity.MONTH.value, pgettext_lazy("analytics", "Month")),
        ],
        initial=Granularity.DAY.value,
        required=False,
    )

    def __init__(self, *args, today: datetime.date, **kwargs) -> None:  # noqa: ANN002, ANN003
        super().__init__(*args, **kwargs)
        self.today = today

    def clean(self) -> dict:
        data = super().clean()
        preset = data.get("preset") or ("custom" if data.get("start") else "30")
        data["preset"] = preset
        data["granularity"] = Granularity(data.get("granularity") or Granularity.DAY)
        if preset != CUSTOM:
            data["end"] = self.today
            data["start"] = self.today - datetime.timedelta(days=PRESETS[preset] - 1)
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", _("Give the first day of the period."))
        if end is None and "end" not in self.errors:
            self.add_error("end", _("Give the last day of the period."))
        if start and end:
            if start > end:
                self.add_error("end", _("The period cannot end before it starts."))
            elif end - start >= MAX_SPAN:
                self.add_error("start", _("A period covers at most two years."))
        return data
