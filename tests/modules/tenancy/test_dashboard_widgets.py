"""The vendor dashboard shows what enabled modules contribute: each widget rendered with its own
context, inside the vendor's scope; a widget that fails to render is left out."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from modules.tenancy.views import vendor as vendor_views
from orion_core.providers import Widget
from tests.modules.tenancy.conftest import HOST

pytestmark = pytest.mark.django_db


def test_widgets_render_with_their_own_context_and_a_broken_one_is_left_out(
    vendor, owner, monkeypatch
):
    def widgets(platform, user, enabled, **kwargs):
        return [
            Widget("team", "Team size", "core/modules/_entries.html", {"entries": []}),
            Widget("broken", "Broken widget", "tenancy/does-not-exist.html", {}),
        ]

    monkeypatch.setattr(vendor_views, "collect_widgets", widgets)
    client = Client(HTTP_HOST=HOST)
    client.force_login(owner)
    response = client.get(reverse("tenancy:dashboard", kwargs={"vendor_code": vendor.code}))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="widget-team"' in html and "Team size" in html
    assert "No module changes recorded yet." in html  # the widget's template saw its context
    assert "Broken widget" not in html
