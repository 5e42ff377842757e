"""Storefront themes: a preset of colours, custom colours, a font stack and a logo.

Where a theme lives: ``Vendor.theme`` (tenancy's JSON field), so it travels with the vendor that
every storefront request has already resolved from the shared cache: reading it costs nothing.
Its shape, written only by ``save_theme``::

    {"preset": "ocean", "font": "humanist", "logo": 42,
     "primary": "#0e7490", "accent": "#f97316", "background": "#f0f9ff", "text": "#0c2733"}

Everything is optional and validated when read as well: a colour that is not a hex colour, an
unknown preset or font falls back to the default, so no stored value can add CSS of its own.
The theme reaches pages as CSS custom properties in a small stylesheet (``theme.css``, see
``views.storefront.ThemeStylesheetView``): the Content Security Policy stays ``style-src 'self'``.
Fonts are system font stacks only: nothing is fetched from another site.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from modules.tenancy.models import Vendor

COLOUR_KEYS = ("primary", "accent", "background", "text")
HEX = re.compile(r"^#(?:[0-9a-fA-F]{3}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")
SELECTOR = "body.storefront"
PREVIEW_SELECTOR = ".theme-preview"


@dataclass(frozen=True)
class Preset:
    code: str
    label: Any  # a lazy translation
    primary: str
    accent: str
    background: str
    text: str

    def colours(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in COLOUR_KEYS}


PRESETS: dict[str, Preset] = {
    preset.code: preset
    for preset in (
        Preset("classic", _("Classic blue"), "#0b5fff", "#ff7a00", "#ffffff", "#1d1d1f"),
        Preset("forest", _("Forest"), "#1f6f43", "#c2790a", "#f7f5ef", "#1c2a21"),
        Preset("ocean", _("Ocean"), "#0e7490", "#f97316", "#f0f9ff", "#0c2733"),
        Preset("berry", _("Berry"), "#9d174d", "#0f766e", "#fff7fb", "#2a1320"),
        Preset("charcoal", _("Charcoal"), "#27272a", "#ca8a04", "#fafafa", "#18181b"),
        Preset("midnight", _("Midnight"), "#38bdf8", "#f472b6", "#0f172a", "#e2e8f0"),
    )
}
DEFAULT_PRESET = "classic"


@dataclass(frozen=True)
class Font:
    code: str
    label: Any
    stack: str


FONTS: dict[str, Font] = {
    font.code: font
    for font in (
        Font(
            "system",
            _("System"),
            'system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif',
        ),
        Font(
            "humanist",
            _("Humanist"),
            'Seravek, "Gill Sans Nova", Ubuntu, Calibri, "DejaVu Sans", source-sans-pro, '
            "sans-serif",
        ),
        Font(
            "geometric",
            _("Geometric"),
            'Avenir, Montserrat, Corbel, "URW Gothic", source-sans-pro, sans-serif',
        ),
        Font(
            "rounded",
            _("Rounded"),
            'ui-rounded, "Hiragino Maru Gothic ProN", Quicksand, Comfortaa, Manjari, '
            '"Arial Rounded MT", Calibri, source-sans-pro, sans-serif',
        ),
        Font(
            "serif",
            _("Classical serif"),
            'Charter, "Bitstream Charter", "Sitka Text", Cambria, "DejaVu Serif", serif',
        ),
        Font(
            "old-style",
            _("Old style"),
            '"Iowan Old Style", "Palatino Linotype", "URW Palladio L", P052, serif',
        ),
        Font(
            "mono",
            _("Monospace"),
            'ui-monospace, "Cascadia Code", "Source Code Pro", Menlo, Consolas, '
            '"DejaVu Sans Mono", monospace',
        ),
    )
}
DEFAULT_FONT = "system"


@dataclass(frozen=True)
class Theme:
    """A theme as shown: every value present and valid."""

    preset: str
    font: str
    primary: str
    accent: str
    background: str
    text: str
    logo: int | None = None

    def colours(self) -> dict[str, str]:
        return {key: getattr(self, key) for key in COLOUR_KEYS}

    def as_json(self) -> dict[str, Any]:
        """What ``Vendor.theme`` stores (colours normalised to ``#rrggbb``)."""
        data: dict[str, Any] = {"preset": self.preset, "font": self.font}
        data.update({key: normalise(value) for key, value in self.colours().items()})
        if self.logo is not None:
            data["logo"] = self.logo
        return data


def is_colour(value: Any) -> bool:
    return isinstance(value, str) and bool(HEX.match(value))


def normalise(value: str) -> str:
    """``#abc`` → ``#aabbcc``; lower case; ``#rrggbbaa`` keeps its alpha."""
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(ch * 2 for ch in digits)
    return f"#{digits}"


def theme_from(data: Any) -> Theme:
    """The theme ``data`` (``Vendor.theme``) describes, with defaults for whatever is missing
    or not valid."""
    data = data if isinstance(data, dict) else {}
    preset = PRESETS.get(data.get("preset"), PRESETS[DEFAULT_PRESET])
    font = data.get("font") if data.get("font") in FONTS else DEFAULT_FONT
    colours = {
        key: data[key] if is_colour(data.get(key)) else default
        for key, default in preset.colours().items()
    }
    logo = data.get("logo")
    logo = logo if isinstance(logo, int) and not isinstance(logo, bool) and logo > 0 else None
    return Theme(preset=preset.code, font=font, logo=logo, **colours)


def theme_of(vendor: Vendor) -> Theme:
    return theme_from(vendor.theme)


def with_preset(theme: Theme, preset_code: str) -> Theme:
    """``theme`` with the colours of another preset."""
    preset = PRESETS[preset_code]
    return replace(theme, preset=preset.code, **preset.colours())


# --- colour arithmetic (for readable text on any colour) -------------------------------------


def _rgb(value: str) -> tuple[int, int, int]:
    digits = normalise(value)[1:7]
    return int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16)


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{max(0, min(255, round(c))):02x}" for c in rgb)


def luminance(value: str) -> float:
    """WCAG relative luminance of a colour."""

    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(value))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def readable_on(value: str) -> str:
    """Black or white, whichever contrasts more with ``value``."""
    lum = luminance(value)
    return "#111111" if (lum + 0.05) / 0.0556 > 1.05 / (lum + 0.05) else "#ffffff"


def mix(first: str, second: str, share: float) -> str:
    """``share`` of ``first`` and the rest of ``second``."""
    a, b = _rgb(first), _rgb(second)
    return _hex(tuple(x * share + y * (1 - share) for x, y in zip(a, b, strict=True)))


def variables(theme: Theme) -> dict[str, str]:
    """The CSS custom properties of a theme (what ``storefront.css`` reads)."""
    return {
        "--shop-primary": theme.primary,
        "--shop-on-primary": readable_on(theme.primary),
        "--shop-accent": theme.accent,
        "--shop-on-accent": readable_on(theme.accent),
        "--shop-background": theme.background,
        "--shop-text": theme.text,
        "--shop-muted": mix(theme.text, theme.background, 0.68),
        "--shop-surface": mix(theme.text, theme.background, 0.04),
        "--shop-border": mix(theme.text, theme.background, 0.14),
        "--shop-font": FONTS[theme.font].stack,
    }


def theme_css(theme: Theme, selector: str = SELECTOR) -> str:
    """The stylesheet of a theme: its custom properties on ``selector``. Every value comes from
    a validated colour or a fixed font stack."""
    rules = "".join(f"  {name}: {value};\n" for name, value in variables(theme).items())
    return f"{selector} {{\n{rules}}}\n"


def preset_swatches_css() -> str:
    """Colour swatches of every preset (``.preset-<code> .swatch-<colour>``), for the editor."""
    return "".join(
        f".preset-{preset.code} .swatch-{key} {{ background: {colour}; }}\n"
        for preset in PRESETS.values()
        for key, colour in preset.colours().items()
    )


@functools.cache
def presets_css() -> str:
    """Every preset's colours as custom properties of ``.preset-<code>`` (``--preset-primary``,
    ``--preset-on-primary``, ``--preset-accent``, ``--preset-background``, ``--preset-text``):
    how the landing page colours each shop's card. Constant: cached for the process."""
    rules = []
    for preset in PRESETS.values():
        values = {
            "primary": preset.primary,
            "on-primary": readable_on(preset.primary),
            "accent": preset.accent,
            "background": preset.background,
            "text": preset.text,
        }
        body = "".join(f"  --preset-{name}: {value};\n" for name, value in values.items())
        rules.append(f".preset-{preset.code} {{\n{body}}}\n")
    return "".join(rules) + preset_swatches_css()


def theme_version(css: str) -> str:
    """A short digest of the stylesheet for its URL: a new theme is a new URL, so browsers may
    keep each version for as long as they like."""
    return hashlib.sha256(css.encode()).hexdigest()[:12]


def save_theme(vendor: Vendor, theme: Theme) -> Vendor:
    """Store ``theme`` as the vendor's. Other keys of ``Vendor.theme`` are kept. Tenancy's
    receivers make the cached vendor (and so its stylesheet's URL) stale on commit."""
    data = dict(vendor.theme) if isinstance(vendor.theme, dict) else {}
    data.pop("logo", None)
    data.update(theme.as_json())
    vendor.theme = data
    vendor.save(update_fields=["theme"])
    return vendor
