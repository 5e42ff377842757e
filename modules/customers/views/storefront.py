"""Storefront pages: home, customer sign-up, login, account, addresses, password reset. (The
shop's theme stylesheet is the cms module's: ``cms:theme``.)"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import url_has_allowed_host_and_scheme, urlencode, urlsafe_base64_decode
from django.utils.http import urlsafe_base64_encode as b64
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, TemplateView

from modules.customers import auth, forms, services
from modules.customers.models import Customer, CustomerAddress
from modules.tenancy.lockout import LOCKED_OUT, cooloff_minutes

RESET_SESSION_TOKEN = "orion_customer_reset_token_{vendor}"  # noqa: S105 - a session key
RESET_URL_TOKEN = "set-password"  # noqa: S105 - a URL marker, not a secret


def shop_url(request: HttpRequest, name: str, **kwargs: Any) -> str:
    return reverse(f"customers:{name}", kwargs={"vendor_code": request.vendor.code, **kwargs})


class ShopMixin:
    """Every storefront page: the vendor and the logged-in customer in context (the tenant
    guard has admitted the request and set ``request.vendor``). The layout takes the shop's
    theme from ``module_context.cms``."""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)  # type: ignore[misc]
        context.update(vendor=self.request.vendor, customer=auth.current_customer(self.request))
        return context


class CustomerRequiredMixin(ShopMixin):
    """Pages for logged-in customers of this shop; others go to the shop's login page."""

    def setup(self, request: HttpRequest, *args: Any, **kwargs: Any) -> None:
        super().setup(request, *args, **kwargs)  # type: ignore[misc]
        self.customer: Customer | None = None

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard() or super().get(request, *args, **kwargs)  # type: ignore[misc]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._guard() or super().post(request, *args, **kwargs)  # type: ignore[misc]

    def _guard(self) -> HttpResponse | None:
        self.customer = auth.current_customer(self.request)
        if self.customer is None:
            login_url = shop_url(self.request, "login")
            return HttpResponseRedirect(f"{login_url}?{urlencode({'next': self.request.path})}")
        return None


class HomeView(ShopMixin, TemplateView):
    template_name = "customers/storefront/home.html"


class SignupView(ShopMixin, FormView):
    template_name = "customers/storefront/signup.html"
    form_class = forms.SignupForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "vendor": self.request.vendor}

    def form_valid(self, form: forms.SignupForm) -> HttpResponse:
        try:
            with transaction.atomic():
                customer = form.save()
        except IntegrityError:  # the same e-mail signed up a moment ago
            form.add_error("email", _("An account with this e-mail already exists in this shop."))
            return self.form_invalid(form)
        auth.login(self.request, customer)
        messages.success(self.request, _("Welcome! Your account has been created."))
        return redirect(shop_url(self.request, "account"))


class LoginView(ShopMixin, FormView):
    template_name = "customers/storefront/login.html"
    form_class = forms.LoginForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "request": self.request, "vendor": self.request.vendor}

    def form_invalid(self, form: forms.LoginForm) -> HttpResponse:
        if not form.has_error(NON_FIELD_ERRORS, "locked_out"):
            return super().form_invalid(form)
        # The shop's own lockout page; tenancy's AXES_LOCKOUT_CALLABLE keeps a 429 as it is.
        return self.response_class(
            request=self.request,
            template="customers/storefront/locked_out.html",
            context=self.get_context_data(form=form, minutes=cooloff_minutes(self.request)),
            status=LOCKED_OUT,
        )

    def form_valid(self, form: forms.LoginForm) -> HttpResponse:
        auth.login(self.request, form.customer)
        target = self.request.POST.get("next") or self.request.GET.get("next", "")
        prefix = shop_url(self.request, "home")
        if not (
            target.startswith(prefix)
            and url_has_allowed_host_and_scheme(
                target, {self.request.get_host()}, self.request.is_secure()
            )
        ):
            target = shop_url(self.request, "account")
        return HttpResponseRedirect(target)


class LogoutView(ShopMixin, TemplateView):
    """GET asks for confirmation; only POST (with its CSRF token) logs out."""

    template_name = "customers/storefront/logout.html"

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        auth.logout(request, request.vendor)
        messages.info(request, _("You are logged out."))
        return redirect(shop_url(request, "home"))


class AccountView(CustomerRequiredMixin, FormView):
    template_name = "customers/storefront/account.html"
    form_class = forms.ProfileForm

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.customer}

    def form_valid(self, form: forms.ProfileForm) -> HttpResponse:
        form.save()
        messages.success(self.request, _("Your details have been saved."))
        return redirect(shop_url(self.request, "account"))


class AddressListView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/storefront/address_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        addresses = list(CustomerAddress.objects.filter(customer=self.customer))
        return super().get_context_data(addresses=addresses, **kwargs)


class AddressFormView(CustomerRequiredMixin, FormView):
    """Add (no ``pk``) or edit one of the customer's own addresses."""

    template_name = "customers/storefront/address_form.html"
    form_class = forms.AddressForm

    def get_address(self) -> CustomerAddress:
        pk = self.kwargs.get("pk")
        if pk is None:
            return CustomerAddress(customer=self.customer, vendor=self.request.vendor)
        return get_object_or_404(CustomerAddress, pk=pk, customer=self.customer)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_address()}

    def form_valid(self, form: forms.AddressForm) -> HttpResponse:
        address = form.save(commit=False)
        services.save_address(address, make_default=form.cleaned_data["is_default"])
        messages.success(self.request, _("Address saved."))
        return redirect(shop_url(self.request, "addresses"))


class AddressDeleteView(CustomerRequiredMixin, TemplateView):
    template_name = "customers/storefront/address_confirm_delete.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        address = get_object_or_404(CustomerAddress, pk=self.kwargs["pk"], customer=self.customer)
        return super().get_context_data(address=address, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        guard = self._guard()
        if guard:
            return guard
        address = get_object_or_404(CustomerAddress, pk=kwargs["pk"], customer=self.customer)
        services.delete_address(address)
        messages.success(request, _("Address deleted."))
        return redirect(shop_url(request, "addresses"))


class AddressDefaultView(CustomerRequiredMixin, View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        guard = self._guard()
        if guard:
            return guard
        address = get_object_or_404(CustomerAddress, pk=kwargs["pk"], customer=self.customer)
        services.save_address(address, make_default=True)
        return redirect(shop_url(request, "addresses"))


# --- password reset ----------------------------------------------------------------------------


class PasswordResetView(ShopMixin, FormView):
    template_name = "customers/storefront/password_reset_form.html"
    form_class = forms.PasswordResetRequestForm

    def form_valid(self, form: forms.PasswordResetRequestForm) -> HttpResponse:
        customer = services.customer_for_reset(form.cleaned_data["email"])
        if customer is not None:
            vendor = self.request.vendor
            link = self.request.build_absolute_uri(
                shop_url(
                    self.request,
                    "password-reset-confirm",
                    uidb64=b64(force_bytes(customer.pk)),
                    token=services.password_reset_tokens.make_token(customer),
                )
            )
            context = {"customer": customer, "vendor": vendor, "link": link}
            subject = render_to_string("customers/storefront/password_reset_subject.txt", context)
            send_mail(
                " ".join(subject.split()),
                render_to_string("customers/storefront/password_reset_email.txt", context),
                None,
                [customer.email],
            )
        # The same answer whether or not the address has an account (no enumeration).
        return redirect(shop_url(self.request, "password-reset-done"))


class PasswordResetDoneView(ShopMixin, TemplateView):
    template_name = "customers/storefront/password_reset_done.html"


class PasswordResetConfirmView(ShopMixin, FormView):
    """Like Django's: the token moves from the URL into the session at once, so it never leaks
    through the Referer header of the page that sets the new password."""

    template_name = "customers/storefront/password_reset_confirm.html"
    form_class = forms.SetPasswordForm

    def _session_key(self) -> str:
        return RESET_SESSION_TOKEN.format(vendor=self.request.vendor.pk)

    def get_customer(self) -> Customer | None:
        try:
            pk = int(urlsafe_base64_decode(self.kwargs["uidb64"]).decode())
        except (TypeError, ValueError, OverflowError, UnicodeDecodeError):
            return None
        return Customer.objects.filter(pk=pk, is_active=True).first()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._check() or super().get(request, *args, **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return self._check() or super().post(request, *args, **kwargs)

    def _check(self) -> HttpResponse | None:
        self.customer = self.get_customer()
        token = self.kwargs["token"]
        if self.customer is not None and token != RESET_URL_TOKEN:
            if services.password_reset_tokens.check_token(self.customer, token):
                self.request.session[self._session_key()] = token
                return redirect(
                    shop_url(
                        self.request,
                        "password-reset-confirm",
                        uidb64=self.kwargs["uidb64"],
                        token=RESET_URL_TOKEN,
                    )
                )
        elif self.customer is not None:
            session_token = self.request.session.get(self._session_key(), "")
            if services.password_reset_tokens.check_token(self.customer, session_token):
                return None
        self.customer = None
        return self.render_to_response(self.get_context_data(invalid_link=True, form=None))

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "customer": self.customer}

    def form_valid(self, form: forms.SetPasswordForm) -> HttpResponse:
        services.set_password(self.customer, form.cleaned_data["password1"])
        self.request.session.pop(self._session_key(), None)
        return redirect(shop_url(self.request, "password-reset-complete"))


class PasswordResetCompleteView(ShopMixin, TemplateView):
    template_name = "customers/storefront/password_reset_complete.html"
