"""The Django admin sees every vendor's rows of the vendor-scoped models (explicit bypass)."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django_scopes import scopes_disabled

from modules.tenancy.factories import (
    InvitationFactory,
    MembershipFactory,
    VendorDomainFactory,
    VendorPlatformFactory,
)
from modules.tenancy.models import (
    Company,
    Invitation,
    Membership,
    User,
    Vendor,
    VendorDomain,
    VendorPlatform,
)
from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db
MODELS = [Company, Vendor, VendorPlatform, VendorDomain, Membership, Invitation, User]


def test_every_model_is_registered_with_list_display_search_and_filters():
    for model in MODELS:
        model_admin = admin.site._registry[model]
        assert model_admin.list_display and model_admin.search_fields, model
        assert model_admin.list_filter, model


@pytest.fixture
def superuser_client(client, vendor, other_vendor):
    for v in (vendor, other_vendor):
        MembershipFactory(vendor=v)
        InvitationFactory(vendor=v, email=f"someone@{v.code}.example")
        VendorDomainFactory(vendor=v, domain=f"shop.{v.code}.example")
    VendorPlatformFactory(vendor=other_vendor)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("model", MODELS)
def test_changelist_search_and_change_page_render(superuser_client, model):
    info = model._meta.app_label, model._meta.model_name
    response = superuser_client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
    assert response.status_code == 200
    with scopes_disabled():
        obj = model._base_manager.first()
    response = superuser_client.get(reverse("admin:{}_{}_change".format(*info), args=[obj.pk]))
    assert response.status_code == 200


def test_changelists_show_every_vendor(superuser_client):
    body = superuser_client.get(reverse("admin:tenancy_invitation_changelist")).content.decode()
    assert "someone@alpha.example" in body and "someone@beta.example" in body


def test_saving_a_scoped_row_in_the_admin_runs_its_unique_checks(superuser_client, vendor):
    with scopes_disabled():
        domain = VendorDomain.objects.get(domain="shop.alpha.example")
    url = reverse("admin:tenancy_vendordomain_change", args=[domain.pk])
    response = superuser_client.post(url, {"vendor": vendor.pk, "domain": "shop.beta.example"})
    assert response.status_code == 200 and "already exists" in response.content.decode()
    response = superuser_client.post(url, {"vendor": vendor.pk, "domain": "new.alpha.example"})
    assert response.status_code == 302
