"""Checking one feed row (services/rows.py): the everyday image address's quick check never
lets through what Django's URLValidator refuses, and a row's errors stay what they were."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from hypothesis import given, settings
from hypothesis import strategies as st

from modules.marketplace.services import rows

DJANGO = URLValidator(schemes=["http", "https"])


def django_accepts(url: str) -> bool:
    try:
        DJANGO(url)
    except ValidationError:
        return False
    return True


ADDRESSES = [
    "https://images.example.com/ben-0000001-0.jpg",
    "HTTPS://IMAGES.EXAMPLE.COM/A.JPG",
    "https://a.b.c.example.museum/path?x=1&y=2#top",
    "https://xn--bcher-kva.example/",
    "https://example.com/ä.jpg",
    "http://example.com:8080/a.jpg",  # a port: Django decides
    "http://192.0.2.10/a.jpg",  # an IP address: Django decides
    "http://localhost/a.jpg",
    "http://bücher.example/a.jpg",  # an IDN: Django decides
    "http://example.com.",
    "http://a.b",
    "https://-a.example/",
    "https://a-.example/",
    "https://exa_mple.com/",
    "https://" + "a" * 64 + ".com/",
    "https://" + ".".join(["a" * 60] * 5) + ".com/",  # a host beyond 253 characters
    "https://example.com/" + "a" * 2100,  # beyond URLValidator's 2048
    "http://example.c0m/",
    "https://ex ample.com/",
    "https://example.com/a b",
    "https://example.com/a\u00a0b",  # a no-break space: not an address
    "http://example.com/\n",
    "ftp://example.com/a.jpg",
    "//example.com/a.jpg",
    "https://",
]


@pytest.mark.parametrize("url", ADDRESSES)
def test_the_quick_check_is_a_subset_of_djangos(url):
    assert not rows._plain(url) or django_accepts(url)


@pytest.mark.parametrize("url", ADDRESSES)
def test_an_image_address_is_accepted_exactly_when_django_accepts_it(url):
    row = rows.check({"sku": "A-1", "title": "Mug", "price": "9.90", "image_urls": url})
    read = url.strip()  # a feed's values are trimmed first
    assert ("image_urls" not in row.errors) == django_accepts(read)
    assert row.image_urls == ([read] if django_accepts(read) else [])


def test_everyday_addresses_take_the_quick_path():
    assert rows._plain("https://images.example.com/ben-0000001-0.jpg")
    assert rows._plain("http://cdn.shop.example.lu/p/ä/1.png?w=600")


ADDRESS_TEXT = st.text(
    alphabet=st.sampled_from(list("abcxyz019-._~:/?#[]@!$&'()*+,;=% \t\nAZäß日\u00a0")),
    max_size=40,
)


@settings(max_examples=300, deadline=None)
@given(scheme=st.sampled_from(["http://", "https://", "HTTP://", "ftp://", ""]), rest=ADDRESS_TEXT)
def test_no_address_passes_the_quick_check_that_django_refuses(scheme, rest):
    url = scheme + rest
    assert not rows._plain(url) or django_accepts(url)
