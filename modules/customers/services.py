"""Customers' business logic. Views, the API, tasks and other modules call this, not the ORM.

Everything here runs inside the vendor's scope (``modules.tenancy.scoping.vendor_scope``), as
the storefront, vendor portal and API views do.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from modules.customers import throttle
from modules.customers.models import (
    Customer,
    CustomerAddress,
    CustomerSegment,
    CustomerTag,
)
from modules.tenancy.models import Vendor


def normalize_email(email: str) -> str:
    return (email or "").strip().lower()


# --- accounts --------------------------------------------------------------------------------


def email_taken(email: str, exclude_pk: int | None = None) -> bool:
    qs = Customer.objects.filter(email__iexact=normalize_email(email))
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    return qs.exists()


def register_customer(
    vendor: Vendor,
    *,
    email: str,
    password: str | None,
    first_name: str = "",
    last_name: str = "",
    phone: str = "",
    marketing_consent: bool = False,
) -> Customer:
    customer = Customer(
        vendor=vendor,
        email=normalize_email(email),
        first_name=first_name,
        last_name=last_name,
        phone=phone,
    )
    customer.set_password(password)
    set_marketing_consent(customer, marketing_consent, save=False)
    customer.save()
    return customer


def set_marketing_consent(customer: Customer, consent: bool, *, save: bool = True) -> None:
    """Record when consent was given; withdrawing it clears the timestamp."""
    if consent and not customer.marketing_consent:
        customer.marketing_consent_at = timezone.now()
    elif not consent:
        customer.marketing_consent_at = None
    customer.marketing_consent = consent
    if save:
        customer.save(update_fields=["marketing_consent", "marketing_consent_at"])


def authenticate(vendor: Vendor, email: str, password: str) -> Customer | None:
    """The active customer of ``vendor`` with these credentials, else None.

    Throttling is the login form's business (``modules.customers.throttle``, with the request).
    """
    customer = Customer.objects.filter(
        vendor=vendor, email__iexact=normalize_email(email), is_active=True
    ).first()
    if customer is None:
        Customer().set_password(password)  # same work as a real check: no timing oracle
    elif customer.check_password(password):
        return customer
    return None


def touch_last_login(customer: Customer) -> None:
    customer.last_login = timezone.now()
    Customer.objects.filter(pk=customer.pk).update(last_login=customer.last_login)


def set_password(customer: Customer, raw_password: str) -> None:
    """Set a new password; it also lifts login lockouts of the account (reset by e-mail)."""
    customer.set_password(raw_password)
    customer.save(update_fields=["password"])
    throttle.lift(customer.vendor, customer.email)


class CustomerTokenGenerator(PasswordResetTokenGenerator):
    """Password-reset tokens: invalid once the password changes or the customer logs in."""

    key_salt = "modules.customers.services.CustomerTokenGenerator"

    def _make_hash_value(self, user: Any, timestamp: int) -> str:
        login = "" if user.last_login is None else user.last_login.replace(microsecond=0)
        return f"{user.vendor_id}:{user.pk}:{user.password}:{login}:{timestamp}:{user.email}"


password_reset_tokens = CustomerTokenGenerator()


def customer_for_reset(email: str) -> Customer | None:
    return Customer.objects.filter(email__iexact=normalize_email(email), is_active=True).first()


# --- addresses -------------------------------------------------------------------------------


@transaction.atomic
def save_address(address: CustomerAddress, *, make_default: bool | None = None) -> CustomerAddress:
    """Save ``address``; a customer's first address, or one marked default, becomes the only
    default."""
    customer = address.customer
    address.vendor_id = customer.vendor_id
    others = CustomerAddress.objects.filter(customer=customer).exclude(pk=address.pk)
    if make_default is not None:
        address.is_default = make_default
    if not others.filter(is_default=True).exists():
        address.is_default = True
    if address.is_default:
        others.filter(is_default=True).update(is_default=False)
    address.save()
    return address


@transaction.atomic
def delete_address(address: CustomerAddress) -> None:
    was_default = address.is_default
    customer = address.customer
    address.delete()
    if was_default:
        successor = CustomerAddress.objects.filter(customer=customer).order_by("pk").first()
        if successor is not None:
            successor.is_default = True
            successor.save(update_fields=["is_default"])


# --- tags ------------------------------------------------------------------------------------


def tags_by_name(vendor: Vendor, names: Iterable[str]) -> list[CustomerTag]:
    """The vendor's tags with these names (case-insensitive), created when missing."""
    tags = []
    for name in {n.strip() for n in names if n and n.strip()}:
        tag = CustomerTag.objects.filter(vendor=vendor, name__iexact=name).first()
        tags.append(tag or CustomerTag.objects.create(vendor=vendor, name=name))
    return tags


def set_tags(customer: Customer, tags: Iterable[CustomerTag]) -> None:
    customer.tags.set(list(tags), through_defaults={"vendor_id": customer.vendor_id})


def add_tags(customer: Customer, tags: Iterable[CustomerTag]) -> None:
    customer.tags.add(*tags, through_defaults={"vendor_id": customer.vendor_id})


# --- order statistics (maintained by the orders module) -------------------------------------


def record_order(customer: Customer, total: Decimal, placed_at: Any = None) -> None:
    """Count one order of ``total`` in the customer's denormalised statistics (atomic)."""
    placed_at = placed_at or timezone.now()
    Customer.objects.filter(pk=customer.pk).update(
        orders_count=F("orders_count") + 1, total_spent=F("total_spent") + Decimal(total)
    )
    Customer.objects.filter(pk=customer.pk).filter(
        Q(last_order_at__isnull=True) | Q(last_order_at__lt=placed_at)
    ).update(last_order_at=placed_at)
    customer.refresh_from_db(fields=["orders_count", "total_spent", "last_order_at"])


# --- the vendor's customer list ------------------------------------------------------------


def customer_list(
    *, search: str = "", tag: CustomerTag | None = None, segment: CustomerSegment | None = None
) -> QuerySet[Customer]:
    """The (scoped) customers matching the vendor list's filters, tags prefetched."""
    qs = Customer.objects.all()
    for term in search.split()[:5]:
        qs = qs.filter(
            Q(email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
    if tag is not None:
        qs = qs.filter(taggings__tag=tag)
    if segment is not None:
        qs = qs.filter(pk__in=segment.members().values("pk"))
    return qs.prefetch_related("tags").order_by("-date_joined", "-pk")


# --- demo data ---------------------------------------------------------------------------------

DEMO_CUSTOMERS = (
    ("alice@example.com", "Alice", "Martin", True, ("vip",)),
    ("bob@example.com", "Bob", "Durand", False, ()),
    ("chloe@example.com", "Chloé", "Bernard", True, ("newsletter",)),
)
DEMO_PASSWORD = "orion-customer"  # noqa: S105 - documented demo credential


def seed_demo_customers(vendor: Vendor) -> int:
    """Demo customers for ``vendor`` (idempotent); returns how many were created."""
    created = 0
    for email, first, last, consent, tag_names in DEMO_CUSTOMERS:
        if Customer.objects.filter(email__iexact=email).exists():
            continue
        customer = register_customer(
            vendor,
            email=email,
            password=DEMO_PASSWORD,
            first_name=first,
            last_name=last,
            marketing_consent=consent,
        )
        add_tags(customer, tags_by_name(vendor, tag_names))
        save_address(
            CustomerAddress(
                customer=customer, label="Home", line1="1 Demo Street", city="Paris", country="FR"
            )
        )
        created += 1
    return created
