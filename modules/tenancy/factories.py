"""factory-boy factories for tenancy's models (used by every module's tests)."""

from __future__ import annotations

import datetime
from typing import Any

import factory
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy.cache import seats_scope
from modules.tenancy.models import (
    Company,
    Invitation,
    Membership,
    Vendor,
    VendorDomain,
    VendorPlatform,
)
from orion_core import shared_cache
from orion_core.testing import PlatformFactory, UserFactory


class ScopeFreeFactory(factory.django.DjangoModelFactory):
    """Creates vendor-scoped rows outside any scope (tests set data up for several vendors)."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        with scopes_disabled():
            return super()._create(model_class, *args, **kwargs)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Company {n}")


class VendorFactory(factory.django.DjangoModelFactory):
    """An active vendor; ``VendorFactory(platforms=[platform])`` puts it on those platforms."""

    class Meta:
        model = Vendor
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"vendor{n}")
    name = factory.LazyAttribute(lambda v: v.code.title())
    company = factory.SubFactory(CompanyFactory)
    status = Vendor.Status.ACTIVE
    contact_email = factory.LazyAttribute(lambda v: f"hello@{v.code}.example.com")

    @factory.post_generation
    def platforms(self, create: bool, extracted: list | None, **kwargs: Any) -> None:
        if create and extracted:
            with scopes_disabled():
                for platform in extracted:
                    VendorPlatform.objects.get_or_create(
                        vendor=self, platform=platform, defaults={"status": Vendor.Status.ACTIVE}
                    )


class VendorPlatformFactory(ScopeFreeFactory):
    class Meta:
        model = VendorPlatform

    vendor = factory.SubFactory(VendorFactory)
    platform = factory.SubFactory(PlatformFactory)
    status = Vendor.Status.ACTIVE


class VendorDomainFactory(ScopeFreeFactory):
    class Meta:
        model = VendorDomain

    vendor = factory.SubFactory(VendorFactory)
    domain = factory.Sequence(lambda n: f"shop{n}.example.com")


class SeatFactory(ScopeFreeFactory):
    """A row that takes a seat of its vendor's team: as the receivers do once a change commits
    (never inside a test's transaction), the team's cached seat count is made stale."""

    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        row = super()._create(model_class, *args, **kwargs)
        shared_cache.bump(seats_scope(row.vendor_id))
        return row


class MembershipFactory(SeatFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    vendor = factory.SubFactory(VendorFactory)
    role = Membership.Role.STAFF


class InvitationFactory(SeatFactory):
    class Meta:
        model = Invitation

    vendor = factory.SubFactory(VendorFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    role = Membership.Role.STAFF
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))
