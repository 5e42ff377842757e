"""The fixed cost of a request in SQL (the request-cost issue's targets), at two data sizes.

Warm (after one request to the same page):
- an anonymous storefront home and the platform landing page run no SQL at all: the platform,
  the vendor and the published page come from the shared cache;
- a logged-in portal or dashboard request, rendered, pays no query for everything every such
  request needs (session, user, vendor, membership, platform; the issue allows one): with Redis
  the session is read from the cache (``cached_db``), its user too
  (``modules.tenancy.backends``). What the page itself shows is budgeted on top: the portal
  home and the staff dashboard (its latest module changes are cached) show nothing else that
  costs a query. With every module's widgets, metrics and header badge on them:
  ``test_dashboards``. Measured rendering (nothing kept whole): a kept page costs no query
  either (``tests/orion_core/test_page_cache.py``).
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from modules.cms.factories import PageFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core import state
from orion_core.testing import PlatformFactory, StaffUserFactory, UserFactory

HOST = "acme.test"
SIZES = {"small": 1, "large": 10}  # other vendors with their teams, platforms, the owner's shops
FIXED = 0  # session and user from the shared cache
PAGE_BUDGET = {"/vendor/alpha/": 0, "/dashboard/": 0}


def build(size: str) -> tuple:
    platform = PlatformFactory(code="acme", domains=[HOST])
    for index in range(SIZES[size]):
        other = PlatformFactory(code=f"other{index}", domains=[f"other{index}.test"])
        vendor = VendorFactory(code=f"shop{index}", platforms=[platform, other])
        for _ in range(3):
            MembershipFactory(vendor=vendor)
    alpha = VendorFactory(code="alpha", platforms=[platform])
    owner = UserFactory(username="owner")
    MembershipFactory(user=owner, vendor=alpha, role=Membership.Role.OWNER)
    for index in range(SIZES[size]):  # the owner's other shops fill the vendor switcher
        MembershipFactory(
            user=owner, vendor=VendorFactory(code=f"mine{index}", platforms=[platform])
        )
    PageFactory(platform=platform, slug="home", title="Welcome", body="<p>Hello</p>")
    state.invalidate()
    return platform, owner


@override_settings(ORION_PAGE_CACHE_TIMEOUT=0)  # what rendering costs, not a kept page
def warm_queries(client: Client, path: str) -> int:
    assert client.get(path).status_code == 200
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", ["/shop/alpha/", "/"], ids=["storefront-home", "landing"])
def test_anonymous_pages_run_no_sql_when_warm(size, path):
    build(size)
    assert warm_queries(Client(HTTP_HOST=HOST), path) == 0


@pytest.mark.django_db
@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("path", list(PAGE_BUDGET))
def test_logged_in_pages_pay_no_query_for_the_fixed_part(size, path, redis_sessions):
    _platform, owner = build(size)
    user = StaffUserFactory() if path == "/dashboard/" else owner
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    assert warm_queries(client, path) == FIXED + PAGE_BUDGET[path]
