"""Giftcards as a module: its declaration, the gate, its provider and its task."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scopes_disabled

from modules.giftcards.factories import GiftCardFactory
from modules.giftcards.models import GiftCard
from modules.giftcards.tasks import expire_cards
from orion_core.modules import Tier
from orion_core.modules.registry import get_registry
from orion_core.providers import collect_metrics
from orion_core.tasks import SKIPPED
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db

PAGES = [
    "/vendor/shop-a/giftcards/",
    "/api/v1/vendor/shop-a/giftcards/",
    "/dashboard/giftcards/",
]


def test_declaration():
    definition = get_registry().get("giftcards")
    assert definition.tier is Tier.OPTIONAL
    assert definition.requires == ("payments",)
    assert definition.permission_codes() == [
        "giftcards.view",
        "giftcards.issue",
    ]
    assert [task.name for task in definition.scheduled_tasks] == ["expire"]


@pytest.mark.parametrize("url", PAGES)
def test_every_page_is_a_404_while_the_module_is_off(client_of, staff, url):
    assert client_of("owner").get(url).status_code == 404
    assert staff.get(url).status_code == 404


def test_the_metric_sums_the_balances_of_the_platforms_vendors(platform, shop, other_shop):
    GiftCardFactory.create_batch(2, vendor=shop, balance=Decimal("10.00"))
    GiftCardFactory(vendor=other_shop, balance=Decimal("0.50"))
    GiftCardFactory()  # a vendor on no platform
    metrics = {m.key: m.value for m in collect_metrics(platform, ["giftcards"])}
    assert metrics["giftcards.outstanding"] == "20.50"


def test_the_nightly_task_empties_expired_cards_where_the_module_is_on(platform, shop):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    expired = GiftCardFactory(vendor=shop, expires_on=yesterday)
    valid = GiftCardFactory(vendor=shop)
    assert expire_cards(platform_id=platform.pk) == SKIPPED
    with override_module(platform, "giftcards"):
        assert expire_cards(platform_id=platform.pk) == 1
        assert expire_cards(platform_id=platform.pk) == 0  # idempotent
    with scopes_disabled():
        balances = dict(GiftCard.objects.values_list("pk", "balance"))
    assert balances == {expired.pk: Decimal("0.00"), valid.pk: Decimal("25.00")}
