"""The entitlements contract and the feature gate (``orion_core.features``): the fallback when
billing is off or absent, and, with a plan provider answering for billing through the real
``provider_for``, the portal page, the vendor API, the storefront, a service's limit, menus, the
system check, and a plan change followed on the next request."""

from __future__ import annotations

import types
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import Client, RequestFactory, override_settings
from django.urls import include, path, resolve
from django.views import View
from rest_framework.response import Response
from rest_framework.views import APIView

from config.urls import handler404  # noqa: F401 - this module is the URLconf of some tests
from config.urls import urlpatterns as project_urlpatterns
from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core import features, shared_cache
from orion_core.contracts import provider_for, providing_module
from orion_core.contracts.entitlements import (
    ENTITLEMENTS,
    Entitlement,
    EntitlementError,
    FeatureNotAvailable,
    Limit,
    LimitReached,
    PlanTier,
    Unlimited,
    entitlement_scopes,
    entitlements_scope,
)
from orion_core.features import check_limit, require_feature, requires_feature
from orion_core.frontends import frontend_for_path
from orion_core.guards import guard_patterns
from orion_core.menus import Reason, build_menu, explain_menu
from orion_core.modules.checks import check_features
from orion_core.modules.definition import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleDefinition,
)
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.testing import PlatformFactory, UserFactory

VENDOR, STOREFRONT = FrontendType.VENDOR, FrontendType.STOREFRONT
HOST = "acme.test"

# --- a plan provider, answering for billing -----------------------------------------------------

STARTER, GROWTH, PRO = (
    PlanTier("starter", "Starter"),
    PlanTier("growth", "Growth"),
    PlanTier("pro", "Pro"),
)
# Each tier's features and limits, in the order the platform presents them (None: unlimited).
TIERS: dict[PlanTier, tuple[set[str], dict[str, int | None]]] = {
    STARTER: ({"products"}, {"max_products": 100}),
    GROWTH: ({"products", "invoices"}, {"max_products": 1000}),
    PRO: ({"products", "invoices", "subscriptions"}, {"max_products": None}),
}


class PlanProvider:
    """Billing as the contract sees it: every vendor on a tier (Starter until it subscribes),
    read through the shared cache under the contract's scopes, as its rules ask."""

    def __init__(self) -> None:
        self.plans: dict[int, PlanTier] = {}
        self.asked: list[str] = []

    def subscribe(self, vendor_id: int, tier: PlanTier) -> None:
        self.plans[vendor_id] = tier
        shared_cache.bump_on_commit(entitlements_scope(vendor_id))

    def _tier(self, platform_id: int, vendor_id: int) -> PlanTier:
        return shared_cache.get_or_load(
            f"test-entitlements:{platform_id}:{vendor_id}",
            lambda: self.plans.get(vendor_id, STARTER),
            scope=entitlement_scopes(platform_id, vendor_id),
        )

    def entitlement(self, platform_id: int, vendor_id: int, feature: str) -> Entitlement:
        self.asked.append(feature)
        current = self._tier(platform_id, vendor_id)
        offering = tuple(tier for tier, (names, _limits) in TIERS.items() if feature in names)
        if not offering or current in offering:  # what no tier mentions is allowed
            return Entitlement(feature, allowed=True)
        return Entitlement(feature, allowed=False, tiers=offering)

    def limit(self, platform_id: int, vendor_id: int, name: str) -> Limit:
        maximum = TIERS[self._tier(platform_id, vendor_id)][1].get(name)
        if maximum is None:
            return Limit(name, maximum=None)
        more = tuple(
            tier
            for tier, (_names, limits) in TIERS.items()
            if limits.get(name) is None or limits[name] > maximum
        )
        return Limit(name, maximum=maximum, tiers=more)


plan_provider = PlanProvider()  # found by dotted path in the fake registries below


@pytest.fixture
def plans(monkeypatch) -> PlanProvider:
    """The installed registry answers the entitlements contract for billing with a fresh
    PlanProvider; every other module and contract is resolved as always."""
    provider, registry = PlanProvider(), get_registry()
    real = registry.provider

    def offered(code: str, kind: str) -> Any:
        if (code, kind) == ("billing", ENTITLEMENTS.provider_kind):
            return provider
        return real(code, kind)

    monkeypatch.setattr(registry, "provider", offered)
    return provider


@pytest.fixture
def billed(db):
    return PlatformFactory(code="acme", name="Acme", domains=[HOST], modules=["billing"])


@pytest.fixture
def shop(billed):
    return VendorFactory(code="acme-shop", name="Acme Shop", platforms=[billed])


@pytest.fixture
def owner(shop) -> Client:
    user = UserFactory()
    MembershipFactory(user=user, vendor=shop, role="owner")
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    return client


# --- views declaring features, mounted as orion_core.urls mounts them ---------------------------


@requires_feature("invoices")
def invoices(request, vendor_code):
    return HttpResponse("invoices")


class InvoicePage(View):
    feature = "invoices"  # the same declaration as the decorator

    def get(self, request, vendor_code):
        features.has_feature(request, "invoices")  # asked again: answered from the request
        return HttpResponse("invoice page")


@requires_feature("products")
def add_product(request, vendor_code):
    """A service refusing the product beyond the plan's limit, inside a guarded view."""
    count = int(request.GET["count"])
    check_limit(request.platform, request.vendor.pk, "max_products", count, label="products")
    return HttpResponse("added", status=201)


@requires_feature("invoices")
class InvoiceApi(APIView):
    def get(self, request, vendor_code):
        return Response({"invoices": []})


class ProductApi(APIView):
    def post(self, request, vendor_code):
        count = int(request.GET["count"])
        check_limit(request.platform, request.vendor.pk, "max_products", count, label="products")
        return Response({}, status=201)


def mounted(*lists: tuple[str, list, FrontendType, bool]) -> Any:
    """The lists under one "billing" namespace, guarded, as ``orion_core.urls`` mounts them."""
    return path(
        "",
        include(
            (
                [
                    path(prefix, include(guard_patterns(patterns, frontend, api=api)))
                    for prefix, patterns, frontend, api in lists
                ],
                "billing",
            )
        ),
    )


urlpatterns = [
    mounted(
        (
            "vendor/<slug:vendor_code>/billing/",
            [
                path("invoices/", invoices, name="invoices"),
                path("invoice-page/", InvoicePage.as_view(), name="invoice-page"),
                path("products/add/", add_product, name="add-product"),
            ],
            VENDOR,
            False,
        ),
        (
            "api/v1/vendor/<slug:vendor_code>/billing/",
            [
                path("invoices/", InvoiceApi.as_view(), name="api-invoices"),
                path("products/", ProductApi.as_view(), name="api-products"),
            ],
            VENDOR,
            True,
        ),
        (
            "shop/<slug:vendor_code>/billing/",
            [path("invoices/", invoices, name="shop-invoices")],
            STOREFRONT,
            False,
        ),
    ),
    *project_urlpatterns,
]

PAGE = "/vendor/acme-shop/billing/invoices/"
API = "/api/v1/vendor/acme-shop/billing/"


# --- the fallback: billing off or absent -------------------------------------------------------


def test_without_billing_everything_is_allowed_and_unlimited(platform):
    assert provider_for(ENTITLEMENTS, []) is ENTITLEMENTS.fallback
    assert isinstance(ENTITLEMENTS.fallback, Unlimited)
    assert require_feature(platform, 7, "invoices").allowed
    answer = check_limit(platform, 7, "max_products", 10**9)
    assert (answer.maximum, answer.unlimited, answer.tiers) == (None, True, ())


def test_billing_answers_and_with_no_tiers_allows_everything(billed):
    # Billing provides the contract; with no tiers on the platform nothing is sold, so
    # everything is allowed and unlimited.
    assert providing_module(ENTITLEMENTS, ["billing", "payments"]) == "billing"
    assert require_feature(billed, 7, "subscriptions").allowed
    assert check_limit(billed, 7, "max_products", 5000).unlimited


@pytest.mark.urls(__name__)
def test_without_billing_a_gated_page_is_served(db, owner, shop, billed):
    # The plan provider is not installed: billing answers nothing, the fallback allows.
    assert owner.get(PAGE).content == b"invoices"
    assert owner.get(API + "invoices/").json() == {"invoices": []}


# --- refusals ----------------------------------------------------------------------------------


def test_a_refusal_names_the_tiers_and_is_a_permission_denied():
    refusal = FeatureNotAvailable(Entitlement("invoices", False, (GROWTH, PRO)))
    assert isinstance(refusal, PermissionDenied) and isinstance(refusal, EntitlementError)
    assert (
        str(refusal) == "Your plan does not include invoices. Upgrade to Growth or Pro to use it."
    )
    assert refusal.as_dict() == {
        "detail": str(refusal),
        "feature": "invoices",
        "tiers": [{"code": "growth", "name": "Growth"}, {"code": "pro", "name": "Pro"}],
    }
    lone = FeatureNotAvailable(Entitlement("multi_vendor_listings", False, (STARTER, GROWTH, PRO)))
    assert str(lone).endswith("multi vendor listings. Upgrade to Starter, Growth or Pro to use it.")
    assert str(FeatureNotAvailable(Entitlement("invoices", False))) == (
        "Your plan does not include invoices."
    )


def test_a_limit_allows_up_to_its_maximum():
    assert Limit("max_products", 100).allows(100)
    assert not Limit("max_products", 100).allows(101)
    assert Limit("max_products", None).allows(10**9)


# --- a service ---------------------------------------------------------------------------------


def test_a_service_refuses_the_101st_product_on_a_100_product_tier(plans, billed, shop):
    assert check_limit(billed, shop.pk, "max_products", 99, label="products").maximum == 100
    with pytest.raises(LimitReached) as refused:
        check_limit(billed, shop.pk, "max_products", 100, label="products")
    assert str(refused.value) == "Your plan allows 100 products. Upgrade to Growth or Pro for more."
    assert (refused.value.limit, refused.value.maximum, refused.value.count) == (
        "max_products",
        100,
        101,
    )
    assert check_limit(billed.pk, shop.pk, "max_orders", 10**6).unlimited  # no tier counts it


def test_a_service_requires_a_feature(plans, billed, shop):
    assert require_feature(billed, shop.pk, "products").allowed
    with pytest.raises(FeatureNotAvailable) as refused:
        require_feature(billed, shop.pk, "invoices")
    assert (refused.value.feature, refused.value.tiers) == ("invoices", (GROWTH, PRO))
    assert require_feature(billed, shop.pk, "reports").allowed  # no tier mentions it


def test_billing_off_on_the_platform_means_the_fallback_answers(plans, other_platform, shop):
    # The provider is installed, but billing is not enabled on this platform.
    assert check_limit(other_platform, shop.pk, "max_products", 5000).unlimited


# --- pages and the API -------------------------------------------------------------------------


@pytest.mark.urls(__name__)
class TestGuard:
    def test_a_page_answers_403_with_the_upgrade_prompt(self, plans, owner):
        response = owner.get(PAGE)
        assert response.status_code == 403
        assert [t.name for t in response.templates][0] == "orion/upgrade_required.html"
        html = response.content.decode()
        assert "Your plan does not include invoices. Upgrade to Growth or Pro to use it." in html
        assert 'data-tier="growth">Growth<' in html and 'data-tier="pro">Pro<' in html
        assert 'data-tier="starter"' not in html
        assert "Acme Shop" in html  # the portal's layout, rendered for the vendor

    def test_a_class_view_declares_it_as_an_attribute(self, plans, owner):
        response = owner.get("/vendor/acme-shop/billing/invoice-page/")
        assert response.status_code == 403
        assert plans.asked == ["invoices"]

    def test_an_allowed_page_is_served_and_asks_once_per_request(self, plans, owner, shop):
        plans.plans[shop.pk] = GROWTH
        response = owner.get("/vendor/acme-shop/billing/invoice-page/")
        assert response.content == b"invoice page"
        assert plans.asked == ["invoices"]  # the guard and the view: one question

    def test_the_api_answers_403_with_the_feature_and_tiers(self, plans, owner):
        response = owner.get(API + "invoices/")
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Your plan does not include invoices. Upgrade to Growth or Pro to use it.",
            "feature": "invoices",
            "tiers": [{"code": "growth", "name": "Growth"}, {"code": "pro", "name": "Pro"}],
        }

    def test_a_limit_reached_in_a_service_answers_403_on_the_api(self, plans, owner):
        assert owner.post(API + "products/?count=99").status_code == 201
        response = owner.post(API + "products/?count=100")
        assert response.status_code == 403
        assert response.json() == {
            "detail": "Your plan allows 100 products. Upgrade to Growth or Pro for more.",
            "limit": "max_products",
            "maximum": 100,
            "tiers": [{"code": "growth", "name": "Growth"}, {"code": "pro", "name": "Pro"}],
        }

    def test_a_limit_reached_in_a_service_shows_the_prompt_on_a_page(self, plans, owner):
        url = "/vendor/acme-shop/billing/products/add/"
        assert owner.post(url + "?count=99").status_code == 201
        response = owner.post(url + "?count=100")
        assert response.status_code == 403
        html = response.content.decode()
        assert "Your plan allows 100 products. Upgrade to Growth or Pro for more." in html
        assert 'data-limit="max_products"' in html

    def test_the_permission_is_checked_before_the_feature(self, plans, shop):
        stranger = Client(HTTP_HOST=HOST)
        stranger.force_login(UserFactory())
        assert stranger.get(PAGE).status_code == 404  # not in the team: nothing about plans
        assert plans.asked == []

    def test_the_storefront_never_shows_the_vendors_plan(self, plans, shop):
        response = Client(HTTP_HOST=HOST).get("/shop/acme-shop/billing/invoices/")
        assert response.status_code == 404
        assert b"Growth" not in response.content

    def test_the_gate_follows_a_plan_change_on_the_next_request(
        self, plans, owner, shop, django_capture_on_commit_callbacks
    ):
        assert owner.get(PAGE).status_code == 403
        plans.plans[shop.pk] = PRO  # changed without the bump the rules ask for:
        assert owner.get(PAGE).status_code == 403  # the cached answer still stands
        with django_capture_on_commit_callbacks(execute=True):
            plans.subscribe(shop.pk, GROWTH)  # bumps entitlements_scope(vendor) on commit
        assert owner.get(PAGE).status_code == 200
        with django_capture_on_commit_callbacks(execute=True):
            plans.subscribe(shop.pk, STARTER)
        assert owner.get(API + "invoices/").status_code == 403


# --- menus -------------------------------------------------------------------------------------


def item(id: str, url_name: str, **kw: Any) -> MenuItemDefinition:  # noqa: A002
    return MenuItemDefinition(id=id, label=id.title(), url_name=url_name, **kw)


def menu_registry() -> ModuleRegistry:
    return ModuleRegistry(
        [
            ModuleDefinition(
                code="billing",
                name="billing",
                features=("invoices",),
                providers={"entitlements": f"{__name__}.plan_provider"},
                menus={
                    VENDOR: (
                        MenuSectionDefinition(
                            "billing",
                            "Billing",
                            items=(
                                item("add", "add-product", order=10),
                                item("invoices", "invoices", order=20, feature="invoices"),
                            ),
                        ),
                    ),
                    STOREFRONT: (
                        MenuSectionDefinition(
                            "shop",
                            "Shop",
                            items=(item("invoices", "shop-invoices", feature="invoices"),),
                        ),
                    ),
                },
            )
        ]
    )


def menu_request(path: str, platform: Any, vendor_id: int = 1) -> Any:
    request = RequestFactory().get(path)
    request.user = types.SimpleNamespace(is_staff=False, is_active=True, is_authenticated=True)
    request.platform, request.vendor = platform, types.SimpleNamespace(pk=vendor_id)
    request.modules = frozenset({"billing"})
    request.frontend = frontend_for_path(path)
    request.resolver_match = resolve(path)
    return request


@pytest.mark.urls(__name__)
class TestMenus:
    def test_an_item_the_plan_lacks_is_shown_locked_on_the_portal(self, platform):
        plan_provider.plans.clear()
        request = menu_request("/vendor/acme-shop/billing/products/add/", platform)
        ((section),) = build_menu(request, registry=menu_registry())
        assert [(i.key, i.url, i.locked) for i in section.items] == [
            ("billing:add", "/vendor/acme-shop/billing/products/add/", False),
            ("billing:invoices", "/vendor/acme-shop/billing/invoices/", True),
        ]
        decision = {d.key: d for d in explain_menu(request, registry=menu_registry())}
        invoices = decision["billing:invoices"]
        assert (invoices.shown, invoices.code, invoices.feature) == (
            True,
            Reason.LOCKED,
            "invoices",
        )
        assert invoices.reason == "shown locked: the vendor's plan does not include invoices"

    def test_an_item_the_plan_includes_is_not_locked(self, platform):
        plan_provider.plans[2] = GROWTH
        request = menu_request("/vendor/acme-shop/billing/invoices/", platform, vendor_id=2)
        ((section),) = build_menu(request, registry=menu_registry())
        assert [i.locked for i in section.items] == [False, False]

    def test_an_item_the_plan_lacks_is_hidden_on_the_storefront(self, platform):
        plan_provider.plans.clear()
        request = menu_request("/shop/acme-shop/billing/invoices/", platform)
        assert build_menu(request, registry=menu_registry()) == []
        (decision,) = explain_menu(request, registry=menu_registry())
        assert (decision.shown, decision.code) == (False, Reason.FEATURE)

    def test_without_a_vendor_nothing_is_gated(self, platform):
        request = menu_request("/vendor/acme-shop/billing/invoices/", platform)
        request.vendor = None  # a page that resolved no vendor: no plan to ask about
        ((section),) = build_menu(request, registry=menu_registry())
        assert not any(i.locked for i in section.items)

    def test_the_sidebar_marks_a_locked_item(self, plans, owner):
        from django.template.loader import render_to_string

        from orion_core.menus import MenuItem, MenuSection

        locked = MenuItem("i", "billing:i", "Invoices", "/x/", "", "billing", locked=True)
        html = render_to_string(
            "orion/includes/sidebar.html",
            {"menu": [MenuSection("billing", "Billing", 1, (locked,))]},
        )
        assert 'class="sidebar-item locked"' in html and "Upgrade</span>" in html


# --- the system check --------------------------------------------------------------------------


@requires_feature("invoicse")
def misspelt(request, vendor_code):
    return HttpResponse()


@requires_feature("invoices")
def unguarded(request):
    return HttpResponse()


check_urls = types.ModuleType("entitlements_check_urls")
check_urls.urlpatterns = [
    path(
        "",
        include(
            (
                [
                    path(
                        "vendor/<slug:vendor_code>/billing/",
                        include(guard_patterns([path("x/", misspelt)], VENDOR, api=False)),
                    ),
                    path("dashboard/billing/y/", unguarded, name="y"),
                ],
                "billing",
            )
        ),
    )
]


def test_the_installed_modules_pass_the_feature_check():
    assert check_features(get_registry()) == []


def test_a_menu_item_needing_an_unknown_feature_is_an_error():
    registry = ModuleRegistry(
        [
            ModuleDefinition(
                code="shop",
                name="shop",
                features=("invoices",),
                menus={
                    VENDOR: (
                        MenuSectionDefinition(
                            "s", "S", items=(item("a", "a", feature="invoicse"),)
                        ),
                    )
                },
            )
        ]
    )
    errors = check_features(registry)
    assert [e.id for e in errors] == ["orion.E013"]
    assert "'invoicse'" in errors[0].msg


@override_settings(ROOT_URLCONF=check_urls)
def test_a_view_needing_an_unknown_or_unguarded_feature_is_an_error():
    errors = check_features(get_registry())
    assert sorted((e.id, "invoicse" in e.msg) for e in errors) == [
        ("orion.E013", True),
        ("orion.E014", False),
    ]
    assert "billing:y" in next(e.msg for e in errors if e.id == "orion.E014")
