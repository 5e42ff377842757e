"""Query budgets of the content pages at two data sizes: the count must not grow with the rows.

Each page is measured after a warm-up request (the platform, the vendor and the team membership
come from the shared cache). A portal page pays for the session and the user, then for what it
shows; a shop's page and the landing page cost nothing once warm.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.cms.factories import MediaFactory, PageFactory, VendorPageFactory
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import UserFactory

pytestmark = pytest.mark.django_db

HOST = "acme.test"
SIZES = {"small": 2, "large": 25}
# The session and the user, for every logged-in portal page.
FIXED = 2
PAGES = {
    # path: (who, budget on top of the fixed part, text the page must show at the large size)
    "/shop/shop-a/pages/page-0/": ("anonymous", 0, "Page 0"),
    "/shop/shop-a/": ("anonymous", 0, "Page 1"),
    "/": ("anonymous", 0, "Shop 1"),
    "/vendor/shop-a/cms/pages/": ("owner", 2, "Page 1"),  # count, the page of rows
    "/vendor/shop-a/cms/media/": ("owner", 4, "image-1.png"),  # count, rows, totals, config
}


def grow(platform, shop, other, start: int, stop: int) -> None:
    """Pages and media files of the shop and of another shop, shops and platform pages, from
    ``start`` up to ``stop`` of each."""
    for index in range(start, stop):
        VendorPageFactory(vendor=shop, slug=f"page-{index}", title=f"Page {index}", nav_order=index)
        VendorPageFactory(vendor=other)
        MediaFactory(vendor=shop, original_name=f"image-{index}.png")
        MediaFactory(vendor=other)
        VendorFactory(name=f"Shop {index}", platforms=[platform])
        PageFactory(platform=platform, slug=f"site-{index}")


@pytest.fixture
def world(platform):
    shop = VendorFactory(code="shop-a", name="Shop A", platforms=[platform])
    other = VendorFactory(code="shop-b", platforms=[platform])
    owner = UserFactory()
    MembershipFactory(user=owner, vendor=shop, role=Membership.Role.OWNER)
    return platform, shop, other, owner


def queries(client: Client, path: str, shows: str) -> list[str]:
    assert client.get(path).status_code == 200  # warm-up
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    assert shows in response.content.decode()
    return [query["sql"] for query in captured.captured_queries]


@pytest.mark.parametrize("path", list(PAGES))
def test_content_pages_cost_the_same_at_both_sizes(world, path, django_capture_on_commit_callbacks):
    platform, shop, other, owner = world
    who, budget, shows = PAGES[path]
    client = Client(HTTP_HOST=HOST)
    if who == "owner":
        client.force_login(owner)
        budget += FIXED
    measured, made = {}, 0
    for size, count in SIZES.items():
        with django_capture_on_commit_callbacks(execute=True):  # caches follow the new rows
            grow(platform, shop, other, made, count)
        made = count
        measured[size] = queries(client, path, shows)
    small, large = measured["small"], measured["large"]
    listing = "\n".join(f"  {sql[:150]}" for sql in large)
    assert len(large) == len(small), f"{path}: {len(small)} then {len(large)}:\n{listing}"
    assert len(large) <= budget, f"{path}: {len(large)} queries, budget {budget}:\n{listing}"
