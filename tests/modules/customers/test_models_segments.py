"""Models, services and segment rules."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_scopes import ScopeError

from modules.customers import segments, services
from modules.customers.factories import (
    CustomerAddressFactory,
    CustomerFactory,
    CustomerSegmentFactory,
    CustomerTagFactory,
    CustomerTaggingFactory,
)
from modules.customers.models import Customer, CustomerAddress, CustomerSegment
from modules.tenancy.scoping import vendor_scope

pytestmark = pytest.mark.django_db


def test_factories_build_every_model(shop):
    address = CustomerAddressFactory(customer__vendor=shop)
    tagging = CustomerTaggingFactory(customer=address.customer)
    segment = CustomerSegmentFactory(vendor=shop)
    assert address.vendor == address.customer.vendor == shop
    assert tagging.vendor == tagging.tag.vendor == shop
    assert segment.rules[0]["field"] == "marketing_consent"


def test_customer_queries_need_a_vendor_scope(shop, other_shop):
    CustomerFactory(vendor=shop)
    CustomerFactory(vendor=other_shop)
    with pytest.raises(ScopeError):
        list(Customer.objects.all())
    with vendor_scope(shop):
        assert [c.vendor_id for c in Customer.objects.all()] == [shop.pk]


def test_email_unique_per_vendor_case_insensitively(shop, other_shop):
    CustomerFactory(vendor=shop, email="same@example.com")
    CustomerFactory(vendor=other_shop, email="same@example.com")  # another shop: fine
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerFactory(vendor=shop, email="SAME@example.com")


def test_passwords_are_hashed(shop):
    with vendor_scope(shop):
        customer = services.register_customer(
            shop, email=" Bo@Example.com ", password="s3cret-Pass"
        )
    assert customer.email == "bo@example.com"
    assert customer.password != "s3cret-Pass"
    assert customer.check_password("s3cret-Pass")
    assert not customer.check_password("wrong")


def test_marketing_consent_records_when(shop):
    with vendor_scope(shop):
        customer = services.register_customer(
            shop, email="c@example.com", password=None, marketing_consent=True
        )
        assert customer.marketing_consent_at is not None
        services.set_marketing_consent(customer, False)
        customer.refresh_from_db()
        assert (customer.marketing_consent, customer.marketing_consent_at) == (False, None)


def test_record_order_updates_the_statistics(shop, customer):
    when = timezone.now() - datetime.timedelta(days=2)
    with vendor_scope(shop):
        services.record_order(customer, Decimal("10.50"), when)
        services.record_order(customer, Decimal("4.50"), when - datetime.timedelta(days=1))
    assert customer.orders_count == 2
    assert customer.total_spent == Decimal("15.00")
    assert customer.last_order_at == when


def test_only_one_default_address(shop, customer):
    with vendor_scope(shop):
        first = services.save_address(
            CustomerAddress(customer=customer, line1="1 A St", city="Paris", country="FR")
        )
        assert first.is_default  # the first address becomes the default
        second = services.save_address(
            CustomerAddress(customer=customer, line1="2 B St", city="Lyon", country="FR"),
            make_default=True,
        )
        first.refresh_from_db()
        assert second.is_default and not first.is_default
        services.delete_address(second)
        first.refresh_from_db()
        assert first.is_default  # the default passes on
    with pytest.raises(IntegrityError), transaction.atomic():
        CustomerAddressFactory(customer=customer, is_default=True)


# --- segments ----------------------------------------------------------------------------------


@pytest.fixture
def population(shop, other_shop):
    now = timezone.now()
    vip = CustomerTagFactory(vendor=shop, name="vip")
    people = {
        "recent_big": CustomerFactory(
            vendor=shop,
            last_order_at=now - datetime.timedelta(days=10),
            total_spent=Decimal("250"),
            orders_count=3,
            marketing_consent=True,
            tags=[vip],
        ),
        "old_small": CustomerFactory(
            vendor=shop,
            last_order_at=now - datetime.timedelta(days=400),
            total_spent=Decimal("20"),
            orders_count=1,
        ),
        "never": CustomerFactory(vendor=shop, date_joined=now - datetime.timedelta(days=500)),
    }
    # Another shop's look-alike: same tag name, matching every rule; never a member.
    other_vip = CustomerTagFactory(vendor=other_shop, name="vip")
    CustomerFactory(
        vendor=other_shop,
        last_order_at=now,
        total_spent=Decimal("999"),
        marketing_consent=True,
        tags=[other_vip],
    )
    return people


def members(shop, rules):
    with vendor_scope(shop):
        segment = CustomerSegment.objects.create(vendor=shop, name=str(rules), rules=rules)
        return {c.pk for c in segment.members()}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"field": "last_order_at", "op": "within_days", "value": 90}, {"recent_big"}),
        ({"field": "last_order_at", "op": "older_than_days", "value": 90}, {"old_small", "never"}),
        ({"field": "date_joined", "op": "older_than_days", "value": 30}, {"never"}),
        ({"field": "date_joined", "op": "within_days", "value": "30"}, {"recent_big", "old_small"}),
        ({"field": "total_spent", "op": "gt", "value": "100"}, {"recent_big"}),
        ({"field": "total_spent", "op": "lte", "value": 20}, {"old_small", "never"}),
        ({"field": "orders_count", "op": "gte", "value": 1}, {"recent_big", "old_small"}),
        ({"field": "orders_count", "op": "eq", "value": 0}, {"never"}),
        ({"field": "tags", "op": "has", "value": "VIP"}, {"recent_big"}),
        ({"field": "tags", "op": "has_not", "value": "vip"}, {"old_small", "never"}),
        ({"field": "marketing_consent", "op": "is", "value": True}, {"recent_big"}),
        ({"field": "marketing_consent", "op": "is", "value": "false"}, {"old_small", "never"}),
        ({"field": "is_active", "op": "is", "value": True}, {"recent_big", "old_small", "never"}),
    ],
)
def test_each_rule(shop, population, rule, expected):
    assert members(shop, [rule]) == {population[name].pk for name in expected}


def test_combined_rules_and_one_query(shop, population, django_assert_num_queries):
    rules = [
        {"field": "total_spent", "op": "gte", "value": "10"},
        {"field": "marketing_consent", "op": "is", "value": False},
        {"field": "tags", "op": "has_not", "value": "vip"},
    ]
    with vendor_scope(shop):
        segment = CustomerSegment.objects.create(vendor=shop, name="combined", rules=rules)
        with django_assert_num_queries(1):
            found = list(segment.members())
    assert [c.pk for c in found] == [population["old_small"].pk]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ("not a list", "Rules must be a list."),
        ([{"field": "shoe_size", "op": "gt", "value": 3}], "Rule 1: field: Unknown field"),
        ([{"field": "total_spent", "op": "has", "value": 3}], "Rule 1: op: Operator “has”"),
        ([{"field": "total_spent", "op": "gt", "value": "lots"}], "Rule 1: value: Enter an amount"),
        ([{"field": "total_spent", "op": "gt"}], "Rule 1: value: This rule needs a value."),
        ([{"field": "last_order_at", "op": "within_days", "value": -3}], "Rule 1: value:"),
        ([{"field": "marketing_consent", "op": "is", "value": "yes"}], "Enter true or false."),
        ([{"field": "tags", "op": "has", "value": ""}], "Enter a tag name."),
        (["oops"], "Rule 1: A rule is an object"),
        ([{"field": "tags", "op": "has", "value": "x", "extra": 1}], "Unknown key(s): extra."),
    ],
)
def test_invalid_rules_are_rejected_on_save(shop, rules, message):
    with vendor_scope(shop), pytest.raises(ValidationError) as excinfo:
        CustomerSegment.objects.create(vendor=shop, name="bad", rules=rules)
    assert any(message in m for m in excinfo.value.message_dict["rules"]), excinfo.value
    with vendor_scope(shop):
        assert not CustomerSegment.objects.exists()


def test_second_bad_rule_is_named(shop):
    rules = [
        {"field": "total_spent", "op": "gt", "value": "1"},
        {"field": "orders_count", "op": "gt", "value": "x"},
    ]
    with pytest.raises(ValidationError) as excinfo:
        segments.validate_rules(rules)
    assert excinfo.value.message_dict["rules"] == ["Rule 2: value: Enter a whole number."]
