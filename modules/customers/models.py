"""Customer accounts of each vendor.

Customers are not Django auth users: a customer belongs to exactly one vendor, and the same
e-mail address can hold independent accounts at two shops. Every table carries the ``vendor``
key directly (ARCHITECTURE.md §12) and is read through ``ScopedManager(vendor="vendor")``.
"""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.hashers import check_password, make_password
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager

from modules.tenancy.models import Vendor

country_validator = RegexValidator(
    r"^[A-Z]{2}$", _("Enter a two-letter ISO 3166 country code, e.g. FR or DE.")
)


class Customer(models.Model):
    """A buyer with an account at one vendor's storefront."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="customers", verbose_name=_("vendor")
    )
    email = models.EmailField(_("e-mail"))
    first_name = models.CharField(_("first name"), max_length=150, blank=True)
    last_name = models.CharField(_("last name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    password = models.CharField(_("password"), max_length=128, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    marketing_consent = models.BooleanField(_("marketing consent"), default=False)
    marketing_consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    last_login = models.DateTimeField(_("last login"), null=True, blank=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Denormalised by the orders module through services.record_order().
    orders_count = models.PositiveIntegerField(_("orders"), default=0)
    total_spent = models.DecimalField(
        _("total spent"), max_digits=12, decimal_places=2, default=Decimal("0.00")
    )
    last_order_at = models.DateTimeField(_("last order"), null=True, blank=True)
    tags = models.ManyToManyField(
        "CustomerTag",
        through="CustomerTagging",
        related_name="customers",
        blank=True,
        verbose_name=_("tags"),
    )

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-date_joined", "-pk"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        constraints = [
            models.UniqueConstraint(
                "vendor",
                Lower("email"),
                name="customers_unique_email_per_vendor",
                violation_error_message=_("A customer with this e-mail already exists."),
            )
        ]
        indexes = [models.Index(fields=["vendor", "last_order_at"], name="customers_last_order")]

    def __str__(self) -> str:
        return self.email

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def set_password(self, raw_password: str | None) -> None:
        """Hash ``raw_password``; None makes the password unusable."""
        self.password = make_password(raw_password)

    def check_password(self, raw_password: str) -> bool:
        def upgrade(raw: str) -> None:
            self.set_password(raw)
            type(self).objects.with_scopes_disabled().filter(pk=self.pk).update(
                password=self.password
            )

        return check_password(raw_password, self.password, upgrade)


class CustomerAddress(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    customer = models.ForeignKey(
        Customer, on_delete=models.CASCADE, related_name="addresses", verbose_name=_("customer")
    )
    label = models.CharField(_("label"), max_length=100, blank=True)
    line1 = models.CharField(_("address line 1"), max_length=200)
    line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = models.CharField(_("country"), max_length=2, validators=[country_validator])
    is_default = models.BooleanField(_("default address"), default=False)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["-is_default", "pk"]
        verbose_name = _("customer address")
        verbose_name_plural = _("customer addresses")
        constraints = [
            models.UniqueConstraint(
                fields=["customer"],
                condition=models.Q(is_default=True),
                name="customers_one_default_address",
            )
        ]

    def __str__(self) -> str:
        return ", ".join(p for p in (self.label, self.line1, self.city, self.country) if p)


class CustomerTag(models.Model):
    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    name = models.CharField(_("name"), max_length=50)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer tag")
        verbose_name_plural = _("customer tags")
        constraints = [
            models.UniqueConstraint(
                "vendor",
                Lower("name"),
                name="customers_unique_tag_per_vendor",
                violation_error_message=_("A tag with this name already exists."),
            )
        ]

    def __str__(self) -> str:
        return self.name


class CustomerTagging(models.Model):
    """The customer-tag link, carrying the vendor key like every vendor-owned table."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="taggings")
    tag = models.ForeignKey(CustomerTag, on_delete=models.CASCADE, related_name="taggings")

    objects = ScopedManager(vendor="vendor")

    class Meta:
        verbose_name = _("customer tagging")
        verbose_name_plural = _("customer taggings")
        constraints = [
            models.UniqueConstraint(fields=["customer", "tag"], name="customers_one_tagging")
        ]

    def __str__(self) -> str:
        return f"{self.customer_id}:{self.tag_id}"


class CustomerSegment(models.Model):
    """A saved filter over a vendor's customers; ``rules`` are ANDed (see ``segments.py``)."""

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="+", verbose_name=_("vendor")
    )
    name = models.CharField(_("name"), max_length=100)
    rules = models.JSONField(_("rules"), default=list, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = ScopedManager(vendor="vendor")

    class Meta:
        ordering = ["name"]
        verbose_name = _("customer segment")
        verbose_name_plural = _("customer segments")
        constraints = [
            models.UniqueConstraint(fields=["vendor", "name"], name="customers_unique_segment")
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.clean()  # invalid rules never reach the database
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from modules.customers.segments import validate_rules

        self.rules = validate_rules(self.rules)

    def members(self) -> models.QuerySet[Customer]:
        """The customers matching every rule: one query."""
        from modules.customers.segments import rules_to_q

        return Customer.objects.filter(rules_to_q(self.rules), vendor_id=self.vendor_id)
