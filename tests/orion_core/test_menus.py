"""Menu discovery: build_menu / explain_menu, the platform's menu configuration, its service,
the context processor and the query budget."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import include, path, resolve

from orion_core import context_processors, state
from orion_core.frontends import frontend_for_path
from orion_core.menus import Reason, build_menu, declared_items, explain_menu
from orion_core.models import PlatformMenuConfig
from orion_core.modules.definition import (
    FrontendType,
    MenuItemDefinition,
    MenuSectionDefinition,
    ModuleDefinition,
    PermissionDefinition,
    Tier,
)
from orion_core.modules.registry import ModuleRegistry
from orion_core.services.menus import MenuConfigError, set_hidden_items
from orion_core.testing import StaffUserFactory, UserFactory, override_module

ADMIN, VENDOR = FrontendType.ADMIN, FrontendType.VENDOR


# --- a URLconf of its own (this module) and a registry of fake modules --------------------


def view(request: Any, **kwargs: Any) -> HttpResponse:
    return HttpResponse("ok")


def namespace(code: str, patterns: list) -> Any:
    return path("", include((patterns, code), namespace=code))


urlpatterns = [
    namespace(
        "base",
        [
            path("dashboard/", view, name="home"),
            path("dashboard/settings/", view, name="settings"),
            path("vendor/<slug:vendor_code>/", view, name="vendor_home"),
        ],
    ),
    namespace(
        "orders",
        [
            path("dashboard/orders/", view, name="list"),
            path("dashboard/orders/report/", view, name="report"),
            path("vendor/<slug:vendor_code>/orders/", view, name="vendor_list"),
        ],
    ),
    namespace("billing", [path("dashboard/billing/", view, name="invoices")]),
    namespace("tools", [path("dashboard/tools/", view, name="debug")]),
]


def item(id: str, url_name: str, **kw: Any) -> MenuItemDefinition:  # noqa: A002
    return MenuItemDefinition(id=id, label=id.title(), url_name=url_name, **kw)


def section(id: str, *items: MenuItemDefinition, order: int = 100) -> MenuSectionDefinition:  # noqa: A002
    return MenuSectionDefinition(id=id, label=id.title(), items=items, order=order)


def make_registry() -> ModuleRegistry:
    return ModuleRegistry(
        [
            ModuleDefinition(
                code="orders",
                name="orders",
                requires=("base",),
                permissions=(PermissionDefinition("orders.view", "View orders"),),
                menus={
                    ADMIN: (
                        # Joins base's "main" section between its two items.
                        section("main", item("orders", "list", permission="orders.view")),
                        section("sales", item("report", "report", order=10), order=50),
                    ),
                    VENDOR: (section("vendor", item("orders", "vendor_list", order=20)),),
                },
            ),
            ModuleDefinition(
                code="billing",
                name="billing",
                menus={
                    ADMIN: (
                        section(
                            "sales",
                            item("invoices", "invoices", order=10),
                            item("aardvark", "invoices", order=10),
                            order=40,
                        ),
                    )
                },
            ),
            ModuleDefinition(
                code="base",
                name="base",
                tier=Tier.CORE,
                menus={
                    ADMIN: (
                        section(
                            "main",
                            item("home", "home", order=10, mandatory=True),
                            item("settings", "settings", order=200),
                            order=10,
                        ),
                    ),
                    VENDOR: (section("vendor", item("home", "vendor_home", order=10)),),
                },
            ),
            ModuleDefinition(
                code="tools",
                name="tools",
                tier=Tier.INTERNAL,
                menus={
                    ADMIN: (section("tools", item("debug", "debug"), order=900),),
                    # Refused by check orion.E005 in real modules; here to prove the rule holds.
                    VENDOR: (section("vendor", item("debug", "debug")),),
                },
            ),
        ]
    )


@pytest.fixture
def registry() -> ModuleRegistry:
    return make_registry()


ALL = {"base", "orders", "billing", "tools"}


def make_request(path: str = "/dashboard/", *, user: Any = None, platform: Any = None, modules=ALL):
    request = RequestFactory().get(path)
    request.user = user if user is not None else AnonymousUser()
    request.platform = platform
    request.modules = frozenset(modules)
    request.frontend = frontend_for_path(path)
    request.resolver_match = resolve(path)
    return request


def shape(menu) -> list[tuple[str, list[str]]]:
    return [(s.id, [i.key for i in s.items]) for s in menu]


def decisions(request, frontend=ADMIN, registry=None) -> dict[str, tuple[bool, str, str]]:
    return {
        d.key: (d.shown, d.code, d.reason)
        for d in explain_menu(request, frontend, registry=registry)
    }


class Staff:
    is_staff = True
    is_active = True
    is_authenticated = True


class Member:
    is_staff = False
    is_active = True
    is_authenticated = True


# --- the rules, on fake modules ----------------------------------------------------------


@pytest.mark.urls(__name__)
class TestRules:
    def test_everything_for_staff_in_a_deterministic_order(self, registry, platform):
        menu = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
        assert shape(menu) == [
            ("main", ["base:home", "orders:orders", "base:settings"]),
            # "sales" is billing's (first in dependency order: base, billing, orders), order 40;
            # items by order, then module rank, then id.
            ("sales", ["billing:aardvark", "billing:invoices", "orders:report"]),
            ("tools", ["tools:debug"]),
        ]
        assert [s.order for s in menu] == [10, 40, 900]
        home = menu[0].items[0]
        assert (home.url, home.label, home.module, home.mandatory) == (
            "/dashboard/",
            "Home",
            "base",
            True,
        )
        # The order does not depend on the order modules were registered in.
        reversed_registry = ModuleRegistry(list(reversed(make_registry().all())))
        again = build_menu(
            make_request(user=Staff(), platform=platform), registry=reversed_registry
        )
        assert shape(again) == shape(menu)

    def test_items_of_disabled_modules_are_gone_and_empty_sections_dropped(self, registry):
        request = make_request(user=Staff(), modules={"base", "tools"})
        assert shape(build_menu(request, registry=registry)) == [
            ("main", ["base:home", "base:settings"]),
            ("tools", ["tools:debug"]),
        ]
        assert decisions(request, registry=registry)["orders:report"] == (
            False,
            Reason.MODULE_DISABLED,
            "module orders disabled on this platform",
        )

    def test_internal_modules_only_for_staff(self, registry):
        request = make_request(user=Member())
        assert "tools" not in [s.id for s in build_menu(request, registry=registry)]
        assert decisions(request, registry=registry)["tools:debug"] == (
            False,
            Reason.INTERNAL,
            "internal module: staff only",
        )

    def test_internal_modules_never_on_vendor_or_storefront(self, registry):
        request = make_request("/vendor/v1/", user=Staff())
        menu = build_menu(request, registry=registry)
        assert shape(menu) == [("vendor", ["base:home", "orders:orders"])]
        assert decisions(request, VENDOR, registry)["tools:debug"][1] == Reason.INTERNAL

    def test_items_needing_a_permission_the_user_lacks_are_gone(self, registry):
        request = make_request(user=Member())
        assert shape(build_menu(request, registry=registry))[0] == (
            "main",
            ["base:home", "base:settings"],
        )
        assert decisions(request, registry=registry)["orders:orders"] == (
            False,
            Reason.PERMISSION,
            "needs permission orders.view",
        )

    def test_vendor_urls_take_the_vendor_code_of_the_page(self, registry):
        request = make_request("/vendor/acme-shop/orders/", user=Member())
        menu = build_menu(request, registry=registry)
        (vendor,) = menu
        assert [(i.key, i.url, i.active) for i in vendor.items] == [
            ("base:home", "/vendor/acme-shop/", False),
            ("orders:orders", "/vendor/acme-shop/orders/", True),
        ]

    def test_an_item_whose_url_cannot_be_built_is_left_out(self, registry):
        request = make_request("/dashboard/", user=Member())  # no vendor_code on this page
        assert build_menu(request, VENDOR, registry=registry) == []
        assert decisions(request, VENDOR, registry)["base:home"][1] == Reason.NO_URL

    @pytest.mark.parametrize(
        ("path", "active"),
        [
            ("/dashboard/", "base:home"),
            ("/dashboard/orders/", "orders:orders"),
            ("/dashboard/orders/report/", "orders:report"),  # exact beats a shorter prefix
            ("/dashboard/settings/", "base:settings"),
        ],
    )
    def test_one_active_item(self, registry, path, active):
        menu = build_menu(make_request(path, user=Staff()), registry=registry)
        assert [i.key for s in menu for i in s.items if i.active] == [active]

    def test_no_frontend_no_menu(self, registry):
        request = make_request(user=Staff())
        request.frontend = None
        assert build_menu(request, registry=registry) == []
        assert explain_menu(request, registry=registry) == []

    def test_explain_covers_every_declared_item(
        self, registry, platform, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, ADMIN, ["base:settings"], registry=registry)
        request = make_request(user=Member(), platform=platform, modules={"base", "tools"})
        assert decisions(request, registry=registry) == {
            "base:home": (True, Reason.SHOWN, "shown"),
            "orders:orders": (
                False,
                Reason.MODULE_DISABLED,
                "module orders disabled on this platform",
            ),
            "base:settings": (False, Reason.HIDDEN, "hidden by platform menu configuration"),
            "billing:aardvark": (
                False,
                Reason.MODULE_DISABLED,
                "module billing disabled on this platform",
            ),
            "billing:invoices": (
                False,
                Reason.MODULE_DISABLED,
                "module billing disabled on this platform",
            ),
            "orders:report": (
                False,
                Reason.MODULE_DISABLED,
                "module orders disabled on this platform",
            ),
            "tools:debug": (False, Reason.INTERNAL, "internal module: staff only"),
        }
        assert [d.key for d in explain_menu(request, ADMIN, registry=registry)] == [
            d.key for d in declared_items(ADMIN, registry)
        ]


# --- the platform's menu configuration and its service -------------------------------------


@pytest.mark.urls(__name__)
class TestPlatformConfig:
    def test_hides_an_item_on_that_platform_only(
        self, registry, platform, other_platform, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(
                platform, ADMIN, ["billing:invoices", "tools:debug"], registry=registry
            )
        acme = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
        globex = build_menu(make_request(user=Staff(), platform=other_platform), registry=registry)
        assert shape(acme) == [
            ("main", ["base:home", "orders:orders", "base:settings"]),
            ("sales", ["billing:aardvark", "orders:report"]),
        ]
        assert "billing:invoices" in [i.key for s in globex for i in s.items]
        assert "tools" in [s.id for s in globex]

    def test_hiding_applies_per_frontend(
        self, registry, platform, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, VENDOR, ["orders:orders"], registry=registry)
        admin = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
        assert "orders:orders" in [i.key for s in admin for i in s.items]

    def test_mandatory_items_cannot_be_hidden(self, registry, platform):
        with pytest.raises(MenuConfigError, match="mandatory items cannot be hidden: base:home"):
            set_hidden_items(platform, ADMIN, ["base:settings", "base:home"], registry=registry)
        assert not PlatformMenuConfig.objects.exists()

    def test_a_mandatory_item_stored_anyway_is_still_shown(self, registry, platform):
        PlatformMenuConfig.objects.create(
            platform=platform, frontend="admin", hidden_items=["base:home"]
        )
        state.invalidate()
        request = make_request(user=Staff(), platform=platform)
        assert decisions(request, registry=registry)["base:home"][:2] == (True, Reason.SHOWN)

    @pytest.mark.parametrize(
        "keys",
        [["nope:home"], ["base:nope"], ["base:debug"], ["tools:debug"]],
        ids=["unknown module", "unknown item", "item of another module", "not on vendor"],
    )
    def test_unknown_keys_are_refused(self, registry, platform, keys):
        frontend = VENDOR if keys == ["tools:debug"] else ADMIN
        if frontend is VENDOR:
            keys = ["billing:invoices"]  # billing declares nothing on the vendor frontend
        with pytest.raises(MenuConfigError, match="no module declares") as raised:
            set_hidden_items(platform, frontend, keys, registry=registry)
        assert isinstance(raised.value, ValueError)
        assert raised.value.unknown == keys
        assert not PlatformMenuConfig.objects.exists()

    def test_service_replaces_the_list_and_records_who(
        self, registry, platform, staff_user, django_capture_on_commit_callbacks
    ):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            set_hidden_items(
                platform, "admin", ["base:settings", "base:settings"], staff_user, registry=registry
            )
        assert len(callbacks) == 1  # the generation is bumped on commit
        config = PlatformMenuConfig.objects.get()
        assert (config.hidden_items, config.updated_by) == (["base:settings"], staff_user)
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, "admin", [], None, registry=registry)
        config.refresh_from_db()
        assert (config.hidden_items, config.updated_by) == ([], None)
        assert PlatformMenuConfig.objects.count() == 1

    def test_a_change_is_seen_after_commit(
        self, registry, platform, django_capture_on_commit_callbacks
    ):
        def keys():
            menu = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
            return [i.key for s in menu for i in s.items]

        assert "base:settings" in keys()  # now cached
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, ADMIN, ["base:settings"], registry=registry)
        assert "base:settings" not in keys()
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, ADMIN, [], registry=registry)
        assert "base:settings" in keys()

    def test_a_string_is_not_a_list_of_keys(self, registry, platform):
        with pytest.raises(TypeError):
            set_hidden_items(platform, ADMIN, "base:settings", registry=registry)


# --- the query budget ----------------------------------------------------------------------


@pytest.mark.urls(__name__)
def test_cold_one_query_warm_none(
    registry, platform, django_assert_max_num_queries, django_assert_num_queries
):
    PlatformMenuConfig.objects.create(
        platform=platform, frontend="admin", hidden_items=["base:settings"]
    )
    state.invalidate()
    # Cold: the platform's state is loaded, menu configuration included (3 queries at most).
    with django_assert_max_num_queries(3):
        cold = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
    with django_assert_num_queries(0):
        for frontend in (ADMIN, VENDOR):  # one cached entry serves every frontend
            warm = build_menu(
                make_request(user=Staff(), platform=platform), frontend, registry=registry
            )
    assert shape(
        build_menu(make_request(user=Staff(), platform=platform), registry=registry)
    ) == shape(cold)
    assert "base:settings" not in [i.key for s in cold for i in s.items]
    assert warm == [] or isinstance(warm, list)


@pytest.mark.urls(__name__)
def test_menu_is_memoised_on_the_request(platform, django_assert_num_queries):
    request = make_request(user=Staff(), platform=platform)
    first = build_menu(request)
    with django_assert_num_queries(0):
        assert build_menu(request) is first


@pytest.mark.urls(__name__)
def test_works_when_the_cache_is_down(registry, platform, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr("orion_core.shared_cache.cache.get_many", broken)
    PlatformMenuConfig.objects.create(
        platform=platform, frontend="admin", hidden_items=["base:settings"]
    )
    menu = build_menu(make_request(user=Staff(), platform=platform), registry=registry)
    assert "base:settings" not in [i.key for s in menu for i in s.items]


# --- the installed modules (dev_tools and monitoring declare ADMIN menus) -------------------


def real_request(platform, user, path="/dashboard/"):
    current = state.state_for_platform(platform)
    request = RequestFactory().get(path, HTTP_HOST="acme.test")
    request.user, request.platform, request.modules = user, current.platform, current.enabled
    request.frontend = frontend_for_path(path)
    request.resolver_match = resolve(path)
    return request


def real_keys(request) -> list[str]:
    return [i.key for s in build_menu(request) for i in s.items]


INTERNAL_ITEMS = {"dev_tools:registry", "monitoring:health"}


def test_real_internal_modules_off_means_no_items(platform, staff_user):
    assert not INTERNAL_ITEMS & set(real_keys(real_request(platform, staff_user)))
    explained = {d.key: d.reason for d in explain_menu(real_request(platform, staff_user), ADMIN)}
    assert explained["monitoring:health"] == "module monitoring disabled on this platform"


def test_real_internal_modules_on_shown_to_staff_only(platform, other_platform, staff_user, user):
    with override_module(platform, "monitoring"), override_module(platform, "dev_tools"):
        staff_keys = real_keys(real_request(platform, staff_user))
        assert set(staff_keys) >= INTERNAL_ITEMS
        assert not INTERNAL_ITEMS & set(real_keys(real_request(platform, user)))
        assert not INTERNAL_ITEMS & set(real_keys(real_request(other_platform, staff_user)))
        menu = build_menu(real_request(platform, staff_user, "/dashboard/monitoring/"))
        health = next(i for s in menu for i in s.items if i.key == "monitoring:health")
        assert (health.url, health.active) == ("/dashboard/monitoring/", True)
        # Both sections have order 900: dependency order (then id) decides, every time.
        ids = [s.id for s in menu]
        assert ids.index("developer-tools") < ids.index("monitoring")


def test_real_item_hidden_by_platform_config(
    platform, other_platform, staff_user, django_capture_on_commit_callbacks
):
    with override_module(platform, "monitoring"), override_module(other_platform, "monitoring"):
        with django_capture_on_commit_callbacks(execute=True):
            set_hidden_items(platform, ADMIN, ["monitoring:health"], staff_user)
        assert "monitoring:health" not in real_keys(real_request(platform, staff_user))
        assert "monitoring:health" in real_keys(real_request(other_platform, staff_user))


def test_real_internal_modules_declare_nothing_for_vendors(staff_user):
    for frontend in (FrontendType.VENDOR, FrontendType.STOREFRONT):
        assert not {d.module for d in declared_items(frontend)} & {"dev_tools", "monitoring"}


# --- the context processor and the sidebar -------------------------------------------------


def test_context_processor_is_lazy(platform, staff_user, django_assert_num_queries, monkeypatch):
    calls = []
    monkeypatch.setattr(context_processors, "build_menu", lambda request: calls.append(1) or [])
    request = real_request(platform, staff_user)
    with django_assert_num_queries(0):
        context = context_processors.menus(request)
    assert calls == []
    assert list(context["menu"]) == []
    assert calls == [1]


def test_sidebar_renders_sections_and_highlights_the_active_item(platform):
    staff = StaffUserFactory()
    with override_module(platform, "monitoring"):
        request = real_request(platform, staff, "/dashboard/monitoring/")
        html = render_to_string(
            "orion/includes/sidebar.html", context_processors.menus(request), request=request
        )
    assert "Monitoring" in html
    assert 'href="/dashboard/monitoring/" class="active" aria-current="page"' in html
    assert 'class="sidebar-item active"' in html


def test_sidebar_renders_nothing_without_items(platform):
    request = real_request(platform, UserFactory())
    request.modules = frozenset()  # no module enabled: nothing to show
    html = render_to_string("orion/includes/sidebar.html", context_processors.menus(request))
    assert "<nav" not in html
