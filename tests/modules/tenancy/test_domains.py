"""Vendors' own domains: DNS proof (with a fake resolver: DNS is the outside world), the
scheduled check, and serving the storefront on a verified domain."""

from __future__ import annotations

import types

import dns.resolver
import pytest
from django.core.cache import caches
from django.http import JsonResponse
from django.urls import path
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.tenancy import domains as domains_module
from modules.tenancy.domains import dns_txt_records, route_for_host, verify_domain
from modules.tenancy.factories import VendorDomainFactory, VendorFactory, VendorPlatformFactory
from modules.tenancy.models import Vendor, VendorDomain
from modules.tenancy.tasks import verify_vendor_domains
from orion_core.modules.registry import get_registry
from orion_core.scheduling import entry_name


def whoami(request, vendor_code=None, rest=""):
    vendor = getattr(request, "storefront_vendor", None)
    return JsonResponse(
        {
            "platform": request.platform.code if request.platform else None,
            "modules": sorted(request.modules),
            "vendor": vendor.code if vendor else None,
            "vendor_code": vendor_code,
            "path": request.path,
            "path_info": request.path_info,
            "frontend": str(request.frontend) if request.frontend else None,
        }
    )


# A tiny URLconf standing in for the storefront (``pytest.mark.urls(__name__)``).
urlpatterns = [
    path("shop/<slug:vendor_code>/", whoami),
    path("shop/<slug:vendor_code>/<path:rest>", whoami),
    path("whoami/", whoami),
]


def fake_resolver(records=(), error=None, calls=None):
    def resolve(name):
        if calls is not None:
            calls.append(name)
        if error is not None:
            raise error
        return list(records)

    return resolve


# --- verification ------------------------------------------------------------------------------


@pytest.fixture
def domain(db):
    return VendorDomainFactory(domain="Shop.Example.COM")


@pytest.mark.django_db
def test_matching_txt_record_verifies(domain):
    calls = []
    resolver = fake_resolver(["unrelated", f'"{domain.verification_token}"'], calls=calls)
    assert verify_domain(domain, resolver=resolver) is True
    assert calls == ["_orion-verify.shop.example.com"]
    with scopes_disabled():
        domain.refresh_from_db()
    assert domain.verified_at is not None
    assert domain.last_checked_at is not None


@pytest.mark.django_db
def test_mismatching_record_does_not_verify(domain):
    assert verify_domain(domain, resolver=fake_resolver(["orion-verify=someone-else"])) is False
    with scopes_disabled():
        domain.refresh_from_db()
    assert domain.verified_at is None
    assert domain.last_checked_at is not None


@pytest.mark.django_db
@pytest.mark.parametrize(
    "error",
    [dns.resolver.NXDOMAIN(), dns.resolver.NoAnswer(), dns.resolver.LifetimeTimeout()],
    ids=["nxdomain", "noanswer", "timeout"],
)
def test_failed_lookup_does_not_verify(domain, error):
    assert verify_domain(domain, resolver=fake_resolver(error=error)) is False
    with scopes_disabled():
        domain.refresh_from_db()
    assert domain.verified_at is None
    assert domain.last_checked_at is not None


@pytest.mark.django_db
def test_reverifying_keeps_the_first_verification_time(domain):
    resolver = fake_resolver([domain.verification_token])
    verify_domain(domain, resolver=resolver)
    first = domain.verified_at
    verify_domain(domain, resolver=resolver)
    assert domain.verified_at == first


def test_default_resolver_joins_txt_strings(monkeypatch):
    seen = {}

    def resolve(name, rdtype, lifetime=None):
        seen["args"] = (name, rdtype)
        return [
            types.SimpleNamespace(strings=(b"orion-verify=", b"abc")),
            types.SimpleNamespace(strings=(b"v=spf1",)),
        ]

    monkeypatch.setattr(dns.resolver, "resolve", resolve)
    assert dns_txt_records("_orion-verify.x.example") == ["orion-verify=abc", "v=spf1"]
    assert seen["args"] == ("_orion-verify.x.example", "TXT")


# --- the scheduled task ------------------------------------------------------------------------


@pytest.mark.django_db
def test_task_checks_only_unverified_domains(monkeypatch):
    verified = VendorDomainFactory(domain="done.example.com", verified_at=timezone.now())
    good = VendorDomainFactory(domain="good.example.com")
    bad = VendorDomainFactory(domain="bad.example.com")
    calls = []
    tokens = {"_orion-verify.good.example.com": [good.verification_token]}

    def resolver(name):
        calls.append(name)
        return tokens.get(name, [])

    monkeypatch.setattr(domains_module, "dns_txt_records", resolver)
    assert verify_vendor_domains.delay().get() == {"checked": 2, "verified": 1}
    assert sorted(calls) == ["_orion-verify.bad.example.com", "_orion-verify.good.example.com"]
    with scopes_disabled():
        assert VendorDomain.objects.get(pk=good.pk).verified_at is not None
        assert VendorDomain.objects.get(pk=bad.pk).verified_at is None
        assert VendorDomain.objects.get(pk=verified.pk).last_checked_at is None
    # Idempotent: a second run only re-checks what is still unverified.
    calls.clear()
    assert verify_vendor_domains() == {"checked": 1, "verified": 0}
    assert calls == ["_orion-verify.bad.example.com"]


def test_task_is_scheduled_every_ten_minutes_for_all_platforms_at_once():
    definition = get_registry().get("tenancy")
    (task,) = [t for t in definition.scheduled_tasks if t.task == "tenancy.verify_vendor_domains"]
    assert task.schedule == "*/10 * * * *"
    assert task.per_platform is False
    assert entry_name(definition, task) == "orion:tenancy:verify-vendor-domains"


# --- serving a verified domain ----------------------------------------------------------------

VENDOR_HOST = "shop.acme-shoes.example"


@pytest.fixture
def shop(platform, other_platform):
    vendor = VendorFactory(code="acme-shoes", name="Acme Shoes")
    VendorPlatformFactory(vendor=vendor, platform=other_platform)  # its first platform
    VendorPlatformFactory(vendor=vendor, platform=platform)
    VendorDomainFactory(vendor=vendor, domain=VENDOR_HOST, verified_at=timezone.now())
    return vendor


pytestmark_urls = pytest.mark.urls(__name__)


@pytestmark_urls
@pytest.mark.django_db
def test_verified_domain_serves_the_vendors_storefront(client, shop, other_platform):
    body = client.get("/products/42/", HTTP_HOST=VENDOR_HOST).json()
    assert body["vendor"] == "acme-shoes"
    assert body["vendor_code"] == "acme-shoes"
    assert body["platform"] == "globex"
    assert body["path_info"] == "/shop/acme-shoes/products/42/"
    assert body["path"] == "/products/42/"  # what the visitor asked for
    assert body["frontend"] == "storefront"
    assert "customers" in body["modules"]


@pytestmark_urls
@pytest.mark.django_db
def test_root_of_the_verified_domain_is_the_storefront_home(client, shop):
    body = client.get("/", HTTP_HOST=f"{VENDOR_HOST}:8000").json()
    assert body["path_info"] == "/shop/acme-shoes/"
    assert body["vendor"] == "acme-shoes"


@pytestmark_urls
@pytest.mark.django_db
def test_already_prefixed_storefront_links_are_not_prefixed_twice(client, shop):
    body = client.get("/shop/acme-shoes/cart/", HTTP_HOST=VENDOR_HOST).json()
    assert body["path_info"] == "/shop/acme-shoes/cart/"


@pytestmark_urls
@pytest.mark.django_db
def test_warm_vendor_domain_costs_no_sql(client, shop, django_assert_num_queries):
    client.get("/", HTTP_HOST=VENDOR_HOST)
    with django_assert_num_queries(0):
        body = client.get("/anything/", HTTP_HOST=VENDOR_HOST).json()
    assert body["vendor"] == "acme-shoes"


@pytestmark_urls
@pytest.mark.django_db
def test_unverified_domain_is_not_routed(client, platform, settings):
    settings.ORION_DEFAULT_PLATFORM = "acme"
    VendorDomainFactory(vendor=VendorFactory(platforms=[platform]), domain="pending.example")
    body = client.get("/whoami/", HTTP_HOST="pending.example").json()
    assert body["vendor"] is None
    assert body["platform"] == "acme"  # the normal fallback
    assert body["path_info"] == "/whoami/"


@pytestmark_urls
@pytest.mark.django_db
def test_unknown_domain_is_untouched(client, platform, settings):
    settings.ORION_DEFAULT_PLATFORM = ""
    body = client.get("/whoami/", HTTP_HOST="nobody.example").json()
    assert body == {
        "platform": None,
        "modules": [],
        "vendor": None,
        "vendor_code": None,
        "path": "/whoami/",
        "path_info": "/whoami/",
        "frontend": "platform",
    }


@pytestmark_urls
@pytest.mark.django_db
def test_platform_domains_are_never_looked_up(client, platform, monkeypatch):
    monkeypatch.setattr(
        "modules.tenancy.middleware.route_for_host",
        lambda host: pytest.fail("a platform's own host must not be looked up"),
    )
    assert client.get("/whoami/", HTTP_HOST="acme.test").json()["platform"] == "acme"


@pytestmark_urls
@pytest.mark.django_db
def test_domain_of_a_vendor_active_nowhere_is_not_routed(client, platform, settings):
    settings.ORION_DEFAULT_PLATFORM = ""
    vendor = VendorFactory(code="lonely")
    VendorPlatformFactory(vendor=vendor, platform=platform, status=Vendor.Status.PENDING)
    VendorDomainFactory(vendor=vendor, domain="lonely.example", verified_at=timezone.now())
    assert client.get("/whoami/", HTTP_HOST="lonely.example").json()["vendor"] is None


@pytestmark_urls
@pytest.mark.django_db
def test_suspending_the_vendor_invalidates_the_route(
    client, shop, django_capture_on_commit_callbacks
):
    assert client.get("/", HTTP_HOST=VENDOR_HOST).json()["vendor"] == "acme-shoes"
    with django_capture_on_commit_callbacks(execute=True):
        shop.status = Vendor.Status.SUSPENDED
        shop.save()
    assert client.get("/whoami/", HTTP_HOST=VENDOR_HOST).json()["vendor"] is None


@pytestmark_urls
@pytest.mark.django_db
def test_verifying_a_domain_routes_it_on_commit(
    client, platform, settings, django_capture_on_commit_callbacks
):
    settings.ORION_DEFAULT_PLATFORM = ""
    vendor = VendorFactory(code="soon", platforms=[platform])
    domain = VendorDomainFactory(vendor=vendor, domain="soon.example")
    assert client.get("/whoami/", HTTP_HOST="soon.example").json()["vendor"] is None
    with django_capture_on_commit_callbacks(execute=True):
        verify_domain(domain, resolver=fake_resolver([domain.verification_token]))
    assert client.get("/whoami/", HTTP_HOST="soon.example").json()["vendor"] == "soon"


@pytest.mark.django_db
def test_failed_check_keeps_cached_routes(domain, django_capture_on_commit_callbacks):
    """A check that finds nothing changes no route, so it bumps no generation."""
    with django_capture_on_commit_callbacks() as callbacks:
        verify_domain(domain, resolver=fake_resolver([]))
    assert callbacks == []


@pytest.mark.django_db
def test_deleting_a_domain_invalidates_the_route(shop, django_capture_on_commit_callbacks):
    assert route_for_host(VENDOR_HOST) is not None
    with django_capture_on_commit_callbacks(execute=True), scopes_disabled():
        VendorDomain.objects.filter(domain=VENDOR_HOST).get().delete()
    assert route_for_host(VENDOR_HOST) is None


@pytest.mark.django_db
def test_route_survives_a_cache_outage(shop, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(caches["default"], "get_many", broken)
    route = route_for_host(VENDOR_HOST)
    assert route is not None and route.vendor_code == "acme-shoes"


@pytest.mark.django_db
def test_verified_domain_serves_the_real_storefront(client, shop):
    """End to end through the project's URLconf: the customers module's storefront home."""
    response = client.get("/", HTTP_HOST=VENDOR_HOST)
    assert response.status_code == 200
    # (The test client's own response.resolver_match resolves the path as sent, not as routed.)
    assert response.wsgi_request.resolver_match.view_name == "customers:home"
    assert response.wsgi_request.vendor.code == "acme-shoes"
    assert "Acme Shoes" in response.content.decode()
