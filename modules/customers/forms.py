"""Storefront and vendor-portal forms. They run inside the vendor's scope."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from modules.customers import segments, services, throttle
from modules.customers.models import Customer, CustomerAddress, CustomerSegment, CustomerTag
from modules.tenancy.models import Vendor

LOCKED_OUT_MESSAGE = _("Too many failed logins. Please try again later.")


class _PasswordPairMixin:
    """Two password fields checked against each other and Django's validators."""

    def _clean_password_pair(self, user: Any = None) -> None:
        p1, p2 = self.cleaned_data.get("password1"), self.cleaned_data.get("password2")
        if p1 and p2 and p1 != p2:
            self.add_error("password2", _("The two passwords do not match."))
            return
        if p1:
            try:
                password_validation.validate_password(p1, user)
            except ValidationError as exc:
                self.add_error("password1", exc)


class SignupForm(_PasswordPairMixin, forms.Form):
    email = forms.EmailField(label=_("E-mail"), max_length=254)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    marketing_consent = forms.BooleanField(
        label=_("Send me news and offers by e-mail"), required=False
    )

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def clean_email(self) -> str:
        email = services.normalize_email(self.cleaned_data["email"])
        if services.email_taken(email):
            raise ValidationError(_("An account with this e-mail already exists in this shop."))
        return email

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        probe = Customer(
            email=cleaned.get("email", ""),
            first_name=cleaned.get("first_name", ""),
            last_name=cleaned.get("last_name", ""),
        )
        self._clean_password_pair(probe)
        return cleaned

    def save(self) -> Customer:
        data = self.cleaned_data
        return services.register_customer(
            self.vendor,
            email=data["email"],
            password=data["password1"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            marketing_consent=data["marketing_consent"],
        )


class LoginForm(forms.Form):
    """E-mail and password of a customer of ``vendor``, throttled per shop and e-mail by axes.

    Like Django's ``AuthenticationForm`` it takes the ``request``: axes keys attempts on the
    client address too. A locked-out client gets the ``locked_out`` error even with the right
    password (the view answers it with the 429 page).
    """

    email = forms.EmailField(label=_("E-mail"))
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args: Any, request: HttpRequest, vendor: Vendor, **kwargs: Any) -> None:
        self.request = request
        self.vendor = vendor
        self.customer: Customer | None = None
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        email, password = cleaned.get("email"), cleaned.get("password")
        if email and password:
            self.customer = self._authenticate(email, password)
        return cleaned

    def _authenticate(self, email: str, password: str) -> Customer:
        request, vendor = self.request, self.vendor
        if throttle.is_locked_out(request, vendor, email):
            # Counted like a failure, as axes does for users: trying during a lockout extends it.
            throttle.record_failure(request, vendor, email)
            raise ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")
        customer = services.authenticate(vendor, email, password)
        if customer is None:
            if throttle.record_failure(request, vendor, email):
                raise ValidationError(LOCKED_OUT_MESSAGE, code="locked_out")
            raise ValidationError(_("Wrong e-mail or password."), code="invalid_login")
        throttle.record_success(request, vendor, email)
        return customer


class ProfileForm(forms.ModelForm):
    class Meta:
        model = Customer
        fields = ["first_name", "last_name", "phone", "marketing_consent"]
        labels = {"marketing_consent": _("Send me news and offers by e-mail")}

    def save(self, commit: bool = True) -> Customer:
        customer = super().save(commit=False)
        consent = self.cleaned_data["marketing_consent"]
        customer.marketing_consent = self.initial.get("marketing_consent", False)
        services.set_marketing_consent(customer, consent, save=False)
        if commit:
            customer.save()
        return customer


class AddressForm(forms.ModelForm):
    class Meta:
        model = CustomerAddress
        fields = ["label", "line1", "line2", "city", "postal_code", "country", "is_default"]
        help_texts = {"country": _("Two-letter code, e.g. FR.")}

    def clean_country(self) -> str:
        country = (self.cleaned_data.get("country") or "").strip().upper()
        CustomerAddress._meta.get_field("country").run_validators(country)
        return country


class PasswordResetRequestForm(forms.Form):
    email = forms.EmailField(label=_("E-mail"))


class SetPasswordForm(_PasswordPairMixin, forms.Form):
    password1 = forms.CharField(
        label=_("New password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("New password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, customer: Customer, **kwargs: Any) -> None:
        self.customer = customer
        super().__init__(*args, **kwargs)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        self._clean_password_pair(self.customer)
        return cleaned


# --- vendor portal -----------------------------------------------------------------------------


class CustomerFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    tag = forms.ModelChoiceField(
        label=_("Tag"), queryset=CustomerTag.objects.none(), required=False
    )
    segment = forms.ModelChoiceField(
        label=_("Segment"), queryset=CustomerSegment.objects.none(), required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Built here, inside the request's vendor scope, so only this vendor's rows are choices.
        self.fields["tag"].queryset = CustomerTag.objects.all()
        self.fields["segment"].queryset = CustomerSegment.objects.all()


class SegmentForm(forms.ModelForm):
    class Meta:
        model = CustomerSegment
        fields = ["name"]

    def __init__(self, *args: Any, vendor: Vendor, **kwargs: Any) -> None:
        self.vendor = vendor
        super().__init__(*args, **kwargs)

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if CustomerSegment.objects.filter(name=name).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("A segment with this name already exists."))
        return name


class RuleForm(forms.Form):
    """One rule row; errors land on the row's own field, operator or value."""

    field = forms.ChoiceField(label=_("Field"), choices=[("", "---"), *segments.FIELD_CHOICES])
    op = forms.ChoiceField(label=_("Operator"), choices=[("", "---"), *segments.OP_CHOICES])
    value = forms.CharField(label=_("Value"), max_length=100, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean()
        if self.errors:
            return cleaned
        try:
            self.rule = segments.validate_rule(
                {"field": cleaned["field"], "op": cleaned["op"], "value": cleaned.get("value")}
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for key, errors in exc.error_dict.items():
                    self.add_error(key if key in self.fields else None, errors)
            else:
                raise
        return cleaned


class BaseRuleFormSet(forms.BaseFormSet):
    def rules(self) -> list[dict[str, Any]]:
        return [form.rule for form in self.forms if form.has_changed() and hasattr(form, "rule")]

    def clean(self) -> None:
        super().clean()
        if not any(form.has_changed() for form in self.forms):
            raise ValidationError(_("Add at least one rule."))


RuleFormSet = forms.formset_factory(RuleForm, formset=BaseRuleFormSet, extra=4, max_num=20)
