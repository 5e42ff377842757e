"""Product images from the vendor's media library: chosen in order in the portal and the API,
shown by the storefront, never another vendor's, and a media file stays while a product shows
it."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from modules.catalog.factories import ProductFactory, ProductImageFactory
from modules.catalog.models import ProductImage
from modules.catalog.services import products
from modules.catalog.services.errors import CatalogError
from modules.catalog.services.products import ProductInput
from modules.cms.factories import MediaFactory
from modules.cms.services.media import MediaInUse, delete_media
from modules.tenancy.scoping import vendor_scope
from tests.modules.catalog.conftest import API, PORTAL, SHOP, SHOP_API, api_client
from tests.modules.catalog.helpers import snapshot
from tests.modules.catalog.test_vendor import product_post

pytestmark = pytest.mark.django_db


def images_of(product) -> list[int]:
    with scopes_disabled():
        return list(
            ProductImage.objects.filter(product=product)
            .order_by("position")
            .values_list("media_id", flat=True)
        )


def image_rows() -> list[dict]:
    with scopes_disabled():
        return list(ProductImage.objects.values().order_by("pk"))


def test_the_service_keeps_images_in_order_and_refuses_other_libraries(shop, other_shop):
    first, second = MediaFactory(vendor=shop), MediaFactory(vendor=shop)
    theirs = MediaFactory(vendor=other_shop)
    data = ProductInput(title="Mug", sku="MUG", price="9", images=[second, first])
    product = products.save_product(shop, data)
    assert images_of(product) == [second.pk, first.pk]
    data.images = None  # untouched
    products.save_product(shop, data, product=product)
    assert images_of(product) == [second.pk, first.pk]
    before = (snapshot(), image_rows())
    for images in ([theirs], [first, first], [MediaFactory(vendor=None)]):
        data.images = images
        with pytest.raises(CatalogError) as error:
            products.save_product(shop, data, product=product)
        assert list(error.value.errors) == ["images"]
    assert (snapshot(), image_rows()) == before
    data.images = []
    products.save_product(shop, data, product=product)
    assert images_of(product) == []


def test_the_portal_form_chooses_and_orders_images(manager_client, shop, other_shop):
    a, b, c = (MediaFactory(vendor=shop) for _ in range(3))
    theirs = MediaFactory(vendor=other_shop, alt_text="zzmarker")
    page = manager_client.get(f"{PORTAL}products/add/")
    offered = {tile["media"].pk for tile in page.context["form"].image_tiles()}
    assert offered == {a.pk, b.pk, c.pk}  # the vendor's own library only
    assert "zzmarker" not in page.content.decode()
    post = product_post(
        images=[a.pk, c.pk], **{f"images-order-{a.pk}": "2", f"images-order-{c.pk}": "1"}
    )
    assert manager_client.post(f"{PORTAL}products/add/", post).status_code == 302
    with vendor_scope(shop):
        product = shop.products.get()
    assert images_of(product) == [c.pk, a.pk]
    listing = manager_client.get(f"{PORTAL}products/")
    assert c.thumbnail_url(160) in listing.content.decode()  # the first image in the list
    before = (snapshot(), image_rows())
    post = product_post(images=[theirs.pk], title="Other", sku="OTHER")
    response = manager_client.post(f"{PORTAL}products/add/", post)
    assert response.status_code == 400 and "images" in response.context["form"].errors
    assert (snapshot(), image_rows()) == before


def test_the_api_takes_image_ids(manager, shop, other_shop):
    mine, theirs = MediaFactory(vendor=shop), MediaFactory(vendor=other_shop)
    api = api_client(manager)
    body = {"title": "Mug", "sku": "MUG", "price": "9.00", "images": [mine.pk]}
    created = api.post(f"{API}products/", body, format="json")
    assert created.status_code == 201, created.data
    assert created.data["images"] == [mine.pk]
    before = (snapshot(), image_rows())
    url = f"{API}products/{created.data['id']}/"
    for images in ([theirs.pk], [2**70], "nope", [mine.pk, mine.pk]):
        response = api.patch(url, {"images": images}, format="json")
        assert response.status_code == 400 and "images" in response.data, (images, response.data)
    assert (snapshot(), image_rows()) == before


def test_the_storefront_shows_the_images(visitor, shop):
    product = ProductFactory(vendor=shop, title="Mug", slug="mug", is_featured=True)
    first = ProductImageFactory(product=product, position=0)
    second = ProductImageFactory(product=product, position=1)
    for url in (SHOP, f"{SHOP}products/", f"{SHOP}search/?q=mug"):
        body = visitor.get(url).content.decode()
        assert first.media.thumbnail_url(480) in body, url
    page = visitor.get(f"{SHOP}p/mug/").content.decode()
    assert first.media.thumbnail_url(1024) in page and second.media.thumbnail_url(480) in page
    assert f'alt="{first.media.alt_text}"' in page
    detail = api_client().get(f"{SHOP_API}products/mug/").data
    assert detail["images"] == [first.media.large_url, second.media.large_url]


def test_a_media_file_shown_by_a_product_cannot_be_deleted(shop):
    image = ProductImageFactory(product=ProductFactory(vendor=shop, title="Mug"))
    with pytest.raises(MediaInUse) as refused:
        delete_media(image.media)
    assert any("Mug" in example for usage in refused.value.usages for example in usage.examples)
    with scopes_disabled():
        assert ProductImage.objects.filter(pk=image.pk).exists()
