"""Messaging's forms. They parse and present; the rules are the services'.

- ``PreferencesForm``: a user's channels per notification type, and their e-mail language.
- ``DeliveryFilterForm``: the sending log's status filter.
- ``EmailTemplateForm``: a vendor's e-mail template of one type and language.
- ``SenderSettingsForm``: the name a vendor's e-mails come from, and the reply-to address.
- ``MessageForm`` and ``NewConversationForm``: conversations.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from modules.messaging.models import Delivery, SenderSettings
from modules.messaging.registry import EMAIL, IN_APP
from modules.messaging.rendering import MAX_SOURCE
from modules.messaging.services import notifications, templates

MAX_MESSAGE = 5000


def field_name(kind: str, channel: str) -> str:
    return f"{kind}:{channel}"


class PreferencesForm(forms.Form):
    """One checkbox per type and channel (``<kind>:<channel>``), built from the registry."""

    language = forms.ChoiceField(
        label=_("Language of my e-mails"),
        required=False,
        choices=[("", _("The platform's language")), *settings.LANGUAGES],
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = []
        for choice in notifications.choices(user):
            kind = choice.ntype.kind
            in_app = forms.BooleanField(
                label=_("In the app"), required=False, initial=choice.in_app
            )
            email = forms.BooleanField(
                label=pgettext_lazy("messaging", "E-mail"), required=False, initial=choice.email
            )
            self.fields[field_name(kind, IN_APP)] = in_app
            self.fields[field_name(kind, EMAIL)] = email
            self.rows.append(
                {
                    "label": choice.ntype.label,
                    "in_app": self[field_name(kind, IN_APP)],
                    "email": self[field_name(kind, EMAIL)],
                }
            )
        self.fields["language"].initial = notifications.language_choice(user)

    def wanted(self) -> dict[tuple[str, str], bool]:
        found = {}
        for name, value in self.cleaned_data.items():
            if ":" in name:
                kind, channel = name.rsplit(":", 1)
                found[(kind, channel)] = bool(value)
        return found


class DeliveryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=pgettext_lazy("messaging", "Status"),
        required=False,
        choices=[("", pgettext_lazy("messaging", "All")), *Delivery.Status.choices],
    )
    q = forms.CharField(
        label=pgettext_lazy("messaging", "Recipient"), required=False, max_length=254
    )


class EmailTemplateForm(forms.Form):
    """A vendor's template of one type in one language. Its rules (parses, documented
    variables only, renders) are ``services.templates.validate``'s, put on the fields here."""

    subject = forms.CharField(label=pgettext_lazy("messaging", "Subject"), max_length=255)
    body = forms.CharField(
        label=pgettext_lazy("messaging", "Text"),
        widget=forms.Textarea(attrs={"rows": 12}),
        max_length=MAX_SOURCE,
    )
    html_body = forms.CharField(
        label=_("HTML (optional)"),
        widget=forms.Textarea(attrs={"rows": 8}),
        required=False,
        max_length=MAX_SOURCE,
        help_text=_("Sent beside the text when filled in. Scripts and styles are removed."),
    )

    def __init__(self, *args: Any, ntype: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.ntype = ntype

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        try:
            templates.validate(self.ntype, data)
        except ValidationError as error:
            for name, errors in error.message_dict.items():
                for message in errors:
                    self.add_error(name if name in self.fields else None, message)
        return data


class SenderSettingsForm(forms.ModelForm):
    class Meta:
        model = SenderSettings
        fields = ["from_name", "reply_to"]

    def clean_from_name(self) -> str:
        value = self.cleaned_data["from_name"]
        if any(ord(c) < 32 or ord(c) == 127 for c in value):  # a header is one line
            raise ValidationError(_("Use letters, digits and punctuation only."), code="invalid")
        return value


class MessageForm(forms.Form):
    """A message (a reply, or a new conversation's first); the shop may attach pictures of its
    media library (``pictures``: the choices, from ``media.library``)."""

    body = forms.CharField(
        label=pgettext_lazy("messaging", "Message"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=MAX_MESSAGE,
    )
    attachments = forms.TypedMultipleChoiceField(
        label=_("Pictures of your media library"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, pictures: list | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if pictures is None:
            del self.fields["attachments"]
        else:
            self.fields["attachments"].choices = [(p.id, p.name) for p in pictures]


class NewConversationForm(MessageForm):
    """A new conversation: a subject and its first message; on the portal also to whom (the
    platform's staff, or a customer of the shop by e-mail)."""

    STAFF = "staff"

    recipient = forms.CharField(
        label=pgettext_lazy("messaging", "To"),
        max_length=254,
        help_text=_("A customer's e-mail address, or \"staff\" for the platform's team."),
    )
    subject = forms.CharField(label=pgettext_lazy("messaging", "Subject"), max_length=200)
    field_order = ["recipient", "subject", "body", "attachments"]

    def __init__(self, *args: Any, with_recipient: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not with_recipient:
            del self.fields["recipient"]

    def clean_recipient(self) -> str:
        value = self.cleaned_data["recipient"].strip()
        if value.lower() == self.STAFF:
            return self.STAFF
        forms.EmailField().clean(value)
        return value
