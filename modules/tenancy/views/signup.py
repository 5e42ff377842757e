"""Vendor sign-up on the platform's public site: /sell/ and its thank-you page."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from modules.tenancy.signup import code_is_taken, register_vendor
from orion_core.models import code_validator


class VendorSignupForm(forms.Form):
    company_name = forms.CharField(label=_("Company name"), max_length=200)
    registration_number = forms.CharField(
        label=_("Registration number"), max_length=100, required=False
    )
    shop_name = forms.CharField(label=_("Shop name"), max_length=200)
    shop_code = forms.SlugField(
        label=_("Shop code"),
        max_length=50,
        validators=[code_validator],
        help_text=_("Your shop's address: lowercase letters, digits, '-' and '_'."),
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"))
    owner_email = forms.EmailField(
        label=_("Owner e-mail"),
        help_text=_("Once your shop is approved, we invite this address to manage it."),
    )

    def clean_shop_code(self) -> str:
        code = self.cleaned_data["shop_code"].strip().lower()
        if code_is_taken(code):
            raise ValidationError(_("This shop code is already taken."), code="taken")
        return code


class PlatformPageMixin:
    """Sign-up belongs to a platform: no platform for this host, no page."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request, "platform", None) is None:
            raise Http404("No platform here.")
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class VendorSignupView(PlatformPageMixin, FormView):
    form_class = VendorSignupForm
    template_name = "tenancy/signup/form.html"

    def form_valid(self, form: VendorSignupForm) -> HttpResponse:
        try:
            register_vendor(self.request.platform, form.cleaned_data)
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
            return self.form_invalid(form)
        return redirect("tenancy:signup-thanks")


class VendorSignupThanksView(PlatformPageMixin, TemplateView):
    template_name = "tenancy/signup/thanks.html"
