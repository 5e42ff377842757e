"""Storefront themes: presets, colours, fonts, a logo; the editor in the portal; the stylesheet
every storefront page links (moved here from customers with the theme)."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled

from modules.cms.factories import MediaFactory
from modules.cms.services import theme as theme_service
from modules.tenancy.models import Vendor

pytestmark = pytest.mark.django_db

THEME_URL = "/vendor/shop-a/cms/theme/"


def theme_of(client, code):
    """The shop's theme stylesheet, as its home page links it."""
    body = client.get(f"/shop/{code}/").content.decode()
    url = re.search(rf'<link rel="stylesheet" href="(/shop/{code}/theme\.css\?v=\w+)">', body)
    assert url, "the page links no theme stylesheet"
    return client.get(url.group(1))


# --- the stylesheet -----------------------------------------------------------------------------


def test_the_shop_links_its_theme_stylesheet(client, shop):
    theme = theme_of(client, "shop-a")
    assert theme.status_code == 200 and theme["Content-Type"] == "text/css; charset=utf-8"
    css = theme.content.decode()
    assert "--shop-primary: #112233;" in css
    assert "--shop-on-primary: #ffffff;" in css  # white reads best on a dark colour
    assert "--shop-font: system-ui" in css
    assert "immutable" in theme["Cache-Control"]


def test_theme_values_that_are_not_colours_are_ignored(client, shop):
    shop.theme = {
        "primary": "red; background: url(//evil)",
        "accent": "#abc",
        "font": "Comic Sans'; } body { display: none",
        "preset": "<script>",
    }
    shop.save()
    css = theme_of(client, "shop-a").content.decode()
    assert "evil" not in css and "display" not in css and "script" not in css
    assert "--shop-primary: #0b5fff;" in css and "--shop-accent: #abc;" in css
    assert "--shop-font: system-ui" in css


def test_a_new_theme_gets_a_new_stylesheet_url(client, shop, django_capture_on_commit_callbacks):
    before = client.get("/shop/shop-a/").content.decode()
    shop.theme = {"primary": "#445566"}
    with django_capture_on_commit_callbacks(execute=True):  # the cached vendor goes stale
        shop.save()
    after = client.get("/shop/shop-a/").content.decode()
    link = re.compile(r"theme\.css\?v=(\w+)")
    assert link.search(before).group(1) != link.search(after).group(1)
    assert "--shop-primary: #445566;" in theme_of(client, "shop-a").content.decode()
    # An outdated version still gets the current theme, but only for a short while.
    stale = client.get(f"/shop/shop-a/theme.css?v={link.search(before).group(1)}")
    assert "--shop-primary: #445566;" in stale.content.decode()
    assert "immutable" not in stale["Cache-Control"]


def test_a_preset_gives_every_colour_and_a_font_its_stack(shop):
    theme = theme_service.theme_from({"preset": "midnight", "font": "serif"})
    css = theme_service.theme_css(theme)
    midnight = theme_service.PRESETS["midnight"]
    assert f"--shop-background: {midnight.background};" in css
    assert f"--shop-text: {midnight.text};" in css
    assert "--shop-on-primary: #111111;" in css  # a light primary gets dark text
    assert "--shop-font: Charter" in css
    # Fonts are stacks of installed fonts: nothing is fetched from the web.
    for font in theme_service.FONTS.values():
        assert "url(" not in font.stack and "@import" not in font.stack


# --- the editor ---------------------------------------------------------------------------------


def valid_post(**changes):
    data = {
        "preset": "ocean",
        "colours_from": "ocean",
        "primary": "#0e7490",
        "accent": "#f97316",
        "background": "#f0f9ff",
        "text": "#0c2733",
        "font": "humanist",
        "logo": "",
        "save": "",
    }
    data.update(changes)
    return data


def stored_theme(vendor):
    return Vendor.objects.get(pk=vendor.pk).theme


def test_the_editor_saves_a_theme_and_the_shop_shows_it(
    manager_client, client, shop, django_capture_on_commit_callbacks
):
    page = manager_client.get(THEME_URL)
    assert page.status_code == 200
    body = page.content.decode()
    assert "data-theme-editor" in body and "data-theme-preview" in body
    assert "cms/theme-editor.js" in body  # the live preview: a static script, nothing inline
    assert "<script>" not in body and "style=" not in body
    logo = MediaFactory(vendor=shop, alt_text="Shop A logo")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager_client.post(THEME_URL, valid_post(logo=str(logo.pk)))
    assert response.status_code == 302
    assert stored_theme(shop) == {
        "preset": "ocean",
        "font": "humanist",
        "logo": logo.pk,
        "primary": "#0e7490",
        "accent": "#f97316",
        "background": "#f0f9ff",
        "text": "#0c2733",
    }
    home = client.get("/shop/shop-a/").content.decode()
    assert logo.thumbnail_url(480) in home  # the logo in the header
    css = theme_of(client, "shop-a").content.decode()
    assert "--shop-primary: #0e7490;" in css and "--shop-font: Seravek" in css


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("primary", "blue"),
        ("accent", "#12345"),
        ("background", "#gggggg"),
        ("text", "#000; } body { display:none"),
        ("text", ""),
    ],
)
def test_a_colour_that_is_not_hex_is_refused_and_nothing_saved(manager_client, shop, field, value):
    before = stored_theme(shop)
    response = manager_client.post(THEME_URL, valid_post(**{field: value}))
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert stored_theme(shop) == before


def test_unknown_preset_font_or_logo_are_refused(manager_client, shop, other_shop):
    theirs = MediaFactory(vendor=other_shop)
    for change in ({"preset": "neon"}, {"font": "papyrus"}, {"logo": str(theirs.pk)}):
        response = manager_client.post(THEME_URL, valid_post(**change))
        assert response.status_code == 400, change
        assert next(iter(change)) in response.context["form"].errors
    assert stored_theme(shop) == {"primary": "#112233"}


def test_choosing_a_scheme_without_a_script_takes_its_colours(manager_client, shop):
    """No JavaScript: the colour inputs still hold the old scheme's colours."""
    classic = theme_service.PRESETS["classic"].colours()
    data = valid_post(preset="forest", colours_from="classic", font="system", **classic)
    assert manager_client.post(THEME_URL, data).status_code == 302
    assert stored_theme(shop)["primary"] == theme_service.PRESETS["forest"].primary
    # Colours changed by hand stay as they are.
    data = valid_post(preset="berry", colours_from="forest", primary="#123456")
    assert manager_client.post(THEME_URL, data).status_code == 302
    assert stored_theme(shop)["primary"] == "#123456"


def test_preview_shows_the_submitted_theme_without_saving_it(manager_client, shop):
    data = valid_post(preview="", primary="#aa0000")
    del data["save"]
    response = manager_client.post(THEME_URL, data)
    assert response.status_code == 200
    body = response.content.decode()
    preview_css = re.search(r'href="(/vendor/shop-a/cms/theme/preview\.css\?[^"]+)"', body)
    assert preview_css and "aa0000" in preview_css.group(1)
    css = manager_client.get(preview_css.group(1).replace("&amp;", "&")).content.decode()
    assert ".theme-preview {" in css and "--shop-primary: #aa0000;" in css
    assert ".preset-ocean .swatch-primary" in css
    assert stored_theme(shop) == {"primary": "#112233"}


def test_the_preview_stylesheet_ignores_what_is_not_a_colour(manager_client, shop):
    css = manager_client.get(
        "/vendor/shop-a/cms/theme/preview.css",
        {"primary": "red;}body{display:none", "font": "x", "preset": "y"},
    ).content.decode()
    assert "display" not in css and "--shop-primary: #0b5fff;" in css


def test_a_viewer_may_not_edit_the_theme(viewer_client, shop):
    assert viewer_client.get(THEME_URL).status_code == 403
    assert viewer_client.post(THEME_URL, valid_post()).status_code == 403
    assert stored_theme(shop) == {"primary": "#112233"}


def test_saving_keeps_keys_the_editor_does_not_know(manager_client, shop):
    with scopes_disabled():
        Vendor.objects.filter(pk=shop.pk).update(theme={"primary": "#112233", "extra": 1})
    assert manager_client.post(THEME_URL, valid_post()).status_code == 302
    assert stored_theme(shop)["extra"] == 1
