"""The developer tools' component library and icon browser: staff only, and complete (every
shared component of templates/ shown in its states, every menu icon listed)."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from modules.dev_tools.components import component_templates, specimens
from modules.dev_tools.icons import menu_icons
from orion_core.modules.registry import get_registry
from orion_core.testing import override_module

pytestmark = pytest.mark.django_db
HOST = "acme.test"
PAGES = ["dev_tools:components", "dev_tools:icons"]


@pytest.fixture
def dev_tools_on(platform):
    with override_module(platform, "dev_tools", enabled=True):
        yield platform


def client_for(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    if user is not None:
        client.force_login(user)
    return client


@pytest.mark.parametrize("name", PAGES)
def test_only_staff_get_in(dev_tools_on, user, name):
    """Internal modules are 404 to anyone but staff (ModuleGateMiddleware), before the view's
    own staff check could even redirect to the login."""
    for visitor in (None, user):
        assert client_for(visitor).get(reverse(name)).status_code == 404


def test_the_library_shows_every_component_of_templates_in_its_states(dev_tools_on, staff_user):
    response = client_for(staff_user).get(reverse("dev_tools:components"))
    assert response.status_code == 200
    found = component_templates()
    assert "orion/includes/sidebar.html" in found and "orion/includes/failed_cards.html" in found
    components = response.context["components"]
    assert response.context["missing"] == []
    for name in found:  # a new component without a specimen fails here
        assert components[name], f"{name} has no specimen in modules/dev_tools/components.py"
    html = response.content.decode()
    assert 'class="sidebar-item active' in html and "locked" in html  # the sidebar's states
    assert 'class="badge">3</span>' in html  # header badge with its count
    assert "Some cards could not be shown" in html
    assert 'class="field has-error"' in html and "errorlist nonfield" in html
    assert "Page 4 of 10" in html
    for block in ("buttons", "badges", "messages", "cards", "tables", "forms", "empty"):
        assert f'id="css-{block}"' in html


def test_a_component_without_specimen_is_reported_missing(
    dev_tools_on, staff_user, tmp_path, settings
):
    (tmp_path / "orion" / "includes").mkdir(parents=True)
    (tmp_path / "orion" / "includes" / "new_widget.html").write_text("<p>new</p>")
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    response = client_for(staff_user).get(reverse("dev_tools:components"))
    assert response.context["missing"] == ["orion/includes/new_widget.html"]
    assert "No specimen yet." in response.content.decode()


def test_every_specimen_is_a_component():
    assert {s.template for s in specimens()} <= set(component_templates())


def test_the_icon_browser_lists_every_menu_icon(dev_tools_on, staff_user):
    declared = {
        item.icon
        for definition in get_registry()
        for sections in definition.menus.values()
        for section in sections
        for item in section.items
        if item.icon
    }
    assert {icon.name for icon in menu_icons()} == declared
    response = client_for(staff_user).get(reverse("dev_tools:icons"))
    assert response.status_code == 200
    html = response.content.decode()
    for name in declared:
        assert f'id="icon-{name}"' in html and f'class="icon icon-{name}"' in html
    billing = next(icon for icon in response.context["icons"] if icon.name == "credit-card")
    assert ("billing", "vendor") in [(u.module, u.frontend) for u in billing.uses]
