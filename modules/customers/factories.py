"""factory-boy factories for customers' models (vendor-scoped rows, created outside any scope)."""

from __future__ import annotations

import functools
from typing import Any

import factory
from django.conf import settings
from django.contrib.auth.hashers import make_password

from modules.customers.models import (
    Customer,
    CustomerAddress,
    CustomerSegment,
    CustomerTag,
    CustomerTagging,
)
from modules.tenancy.factories import ScopeFreeFactory, VendorFactory

CUSTOMER_PASSWORD = "correct horse battery staple"  # noqa: S105 - test credential


@functools.cache
def _hashed(hashers: tuple[str, ...]) -> str:
    return make_password(CUSTOMER_PASSWORD)


def hashed_password() -> str:
    """CUSTOMER_PASSWORD hashed once per hasher setting: factories stay fast."""
    return _hashed(tuple(settings.PASSWORD_HASHERS))


class CustomerFactory(ScopeFreeFactory):
    class Meta:
        model = Customer
        skip_postgeneration_save = True

    vendor = factory.SubFactory(VendorFactory)
    email = factory.Sequence(lambda n: f"customer{n}@example.com")
    first_name = factory.Sequence(lambda n: f"First{n}")
    last_name = factory.Sequence(lambda n: f"Last{n}")
    password = factory.LazyFunction(hashed_password)

    @factory.post_generation
    def tags(self, create: bool, extracted: list | None, **kwargs: Any) -> None:
        """``CustomerFactory(tags=[tag, …])`` tags the customer."""
        if create and extracted:
            for tag in extracted:
                CustomerTaggingFactory(vendor=self.vendor, customer=self, tag=tag)


class CustomerAddressFactory(ScopeFreeFactory):
    class Meta:
        model = CustomerAddress

    customer = factory.SubFactory(CustomerFactory)
    vendor = factory.SelfAttribute("customer.vendor")
    label = "Home"
    line1 = factory.Sequence(lambda n: f"{n} Rue de la Paix")
    city = "Paris"
    postal_code = "75002"
    country = "FR"


class CustomerTagFactory(ScopeFreeFactory):
    class Meta:
        model = CustomerTag

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"tag{n}")


class CustomerTaggingFactory(ScopeFreeFactory):
    class Meta:
        model = CustomerTagging

    customer = factory.SubFactory(CustomerFactory)
    vendor = factory.SelfAttribute("customer.vendor")
    tag = factory.SubFactory(CustomerTagFactory, vendor=factory.SelfAttribute("..vendor"))


class CustomerSegmentFactory(ScopeFreeFactory):
    class Meta:
        model = CustomerSegment

    vendor = factory.SubFactory(VendorFactory)
    name = factory.Sequence(lambda n: f"Segment {n}")
    rules = factory.LazyFunction(
        lambda: [{"field": "marketing_consent", "op": "is", "value": True}]
    )
