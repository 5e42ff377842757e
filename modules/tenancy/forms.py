"""Forms of the vendor portal: invitations and roles, vendor settings, joining a team."""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.contrib.auth.forms import UserCreationForm
from django.utils.translation import gettext_lazy as _
from django_scopes import scopes_disabled

from modules.tenancy.models import Membership, User, Vendor, VendorDomain
from modules.tenancy.services import assignable_roles

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")
HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, actor_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(actor_role)
        self.fields["role"].initial = Membership.Role.STAFF


class RoleForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)

    def __init__(self, *args: Any, actor_role: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = assignable_roles(actor_role)


class VendorProfileForm(forms.ModelForm):
    primary_colour = forms.CharField(
        label=_("Primary colour"),
        required=False,
        max_length=7,
        help_text=_("A hex colour such as #0b5fff."),
        widget=forms.TextInput(attrs={"type": "color"}),
    )

    class Meta:
        model = Vendor
        fields = ["name", "contact_email"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["primary_colour"].initial = (self.instance.theme or {}).get("primary", "")

    def clean_primary_colour(self) -> str:
        value = self.cleaned_data["primary_colour"].strip()
        if value and not HEX_COLOUR.match(value):
            raise forms.ValidationError(_("Enter a colour as # and six hex digits."))
        return value.lower()

    def save(self, commit: bool = True) -> Vendor:
        vendor = super().save(commit=False)
        theme = dict(vendor.theme or {})
        if self.cleaned_data["primary_colour"]:
            theme["primary"] = self.cleaned_data["primary_colour"]
        else:
            theme.pop("primary", None)
        vendor.theme = theme
        if commit:
            vendor.save()
        return vendor


class DomainForm(forms.Form):
    domain = forms.CharField(label=_("Domain"), max_length=253)

    def clean_domain(self) -> str:
        domain = self.cleaned_data["domain"].strip().lower().rstrip(".")
        if not HOSTNAME.match(domain):
            raise forms.ValidationError(_("Enter a domain name such as shop.example.com."))
        # Unique across every vendor, so the check must see them all (deliberate bypass).
        with scopes_disabled():
            taken = VendorDomain.objects.filter(domain=domain).exists()
        if taken:
            raise forms.ValidationError(_("This domain is already in use."))
        return domain


class JoinForm(UserCreationForm):
    """A new account for the invited e-mail address (shown, not editable)."""

    email = forms.EmailField(label=_("E-mail"), disabled=True, required=False)

    class Meta(UserCreationForm.Meta):
        model = User
        fields = ("username", "email")

    def __init__(self, *args: Any, invitation_email: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].initial = invitation_email
        self.instance.email = invitation_email
