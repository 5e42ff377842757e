"""orion_core.testing: override_module (context manager and decorator) and the factories."""

from __future__ import annotations

import pytest

from orion_core.models import Platform, PlatformModule
from orion_core.services import ModuleService
from orion_core.testing import (
    PlatformFactory,
    override_module,
    platform_with_modules,
    with_modules,
)

pytestmark = pytest.mark.django_db

CORE = {"core", "tenancy", "cms", "customers"}
FIELDS = (
    "module_code",
    "is_enabled",
    "enabled_explicitly",
    "required_by",
    "enabled_at",
    "enabled_by_id",
    "disabled_at",
    "disabled_by_id",
    "config",
)


def rows(platform) -> list[tuple]:
    return list(
        PlatformModule.objects.filter(platform=platform)
        .order_by("module_code")
        .values_list(*FIELDS)
    )


def enabled(platform) -> set[str]:
    return set(
        PlatformModule.objects.filter(platform=platform, is_enabled=True).values_list(
            "module_code", flat=True
        )
    )


def test_override_enable_as_context_manager_restores_rows(platform):
    service = ModuleService()
    service.enable(platform, "catalog")
    service.set_config(platform, "billing", {"payment_terms_days": 3})
    before = rows(platform)
    with override_module(platform, "billing", config={"payment_terms_days": 30}):
        assert enabled(platform) == CORE | {"catalog", "billing", "payments"}
        assert service.is_enabled(platform, "billing")  # the cache sees it inside the block
        assert service.get_config(platform, "billing")["payment_terms_days"] == 30
    assert rows(platform) == before
    assert not service.is_enabled(platform, "billing")
    assert not PlatformModule.objects.filter(platform=platform, module_code="payments").exists()


def test_override_disable_restores_rows(platform):
    service = ModuleService()
    service.enable(platform, "marketplace")
    before = rows(platform)
    with override_module(platform, "catalog", enabled=False):
        assert enabled(platform) == CORE
        assert not service.is_enabled(platform, "marketplace")
    assert rows(platform) == before
    assert service.is_enabled(platform, "marketplace")


def test_override_disable_with_config(platform):
    with override_module(platform, "billing", enabled=False, config={"payment_terms_days": 60}):
        record = PlatformModule.objects.get(platform=platform, module_code="billing")
        assert not record.is_enabled and record.config["payment_terms_days"] == 60
    assert not PlatformModule.objects.filter(platform=platform, module_code="billing").exists()


def test_override_restores_even_when_the_block_fails(platform):
    before = rows(platform)
    with pytest.raises(ZeroDivisionError), override_module(platform, "orders"):
        assert "orders" in enabled(platform)
        1 / 0  # noqa: B018
    assert rows(platform) == before


def test_override_as_decorator(platform):
    seen = []

    @override_module(platform, "inventory")
    def check():
        seen.append(ModuleService().is_enabled(platform, "inventory"))
        seen.append(enabled(platform))

    before = rows(platform)
    check()
    check()  # the same decorator instance works again
    assert seen == [True, CORE | {"inventory", "catalog"}] * 2
    assert rows(platform) == before


def test_overrides_nest(platform):
    before = rows(platform)
    with override_module(platform, "billing"):
        with override_module(platform, "payments", enabled=False):
            assert "billing" not in enabled(platform)
        assert "billing" in enabled(platform)
    assert rows(platform) == before


@with_modules("orders")
def test_with_modules_decorator(platform):
    assert enabled(platform) == CORE | {"orders", "payments", "catalog"}


def test_platform_factory_with_modules():
    platform = PlatformFactory(code="shop", modules=["billing", "inventory"])
    assert enabled(platform) == CORE | {"billing", "payments", "inventory", "catalog"}
    records = ModuleService().records(platform)
    assert records["billing"].enabled_explicitly and not records["payments"].enabled_explicitly
    assert ModuleService().is_enabled(platform, "inventory")
    assert platform.primary_domain == "shop.test"


def test_platform_factory_defaults_and_get_or_create():
    platform = PlatformFactory(code="plain")
    assert enabled(platform) == CORE
    assert PlatformFactory(code="plain") == platform
    assert Platform.objects.filter(code="plain").count() == 1
    assert PlatformFactory(code="nodomain", domains=[]).primary_domain is None


def test_platform_with_modules():
    platform = platform_with_modules("marketplace", code="market")
    assert platform.code == "market"
    assert enabled(platform) == CORE | {"marketplace", "inventory", "catalog"}
