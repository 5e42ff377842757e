"""The component library's specimens: each shared template component of the project-wide
``templates/`` directory, rendered in the states it has.

Components are the templates under ``orion/includes/`` of the project's template directories
(``TEMPLATES[0]["DIRS"]``); ``component_templates()`` finds them on disk, so a component added
there without a specimen shows up on the page as missing (and fails its test) instead of being
forgotten. Specimens use made-up data only: the page must render without a platform or vendor.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from orion_core.menus import MenuItem, MenuSection

COMPONENT_DIR = "orion/includes"


@dataclass(frozen=True)
class Specimen:
    """One state of a component: the template rendered with ``context``."""

    template: str
    state: str
    context: dict[str, Any] = field(default_factory=dict)


def component_templates() -> list[str]:
    """Template names of every shared component found in the project's template directories."""
    found = set()
    for directory in settings.TEMPLATES[0]["DIRS"]:
        root = Path(directory)
        found.update(
            path.relative_to(root).as_posix() for path in (root / COMPONENT_DIR).glob("*.html")
        )
    return sorted(found)


def _item(label: str, icon: str, **state: bool) -> MenuItem:
    key = label.lower()
    return MenuItem(
        id=key, key=f"demo:{key}", label=label, url="#", icon=icon, module="demo", **state
    )


def specimens() -> list[Specimen]:
    """Every state shown on the page, in page order."""
    menu = [
        MenuSection(
            id="demo",
            label="Catalogue",
            order=100,
            items=(
                _item("Products", "box", active=True),
                _item("Categories", "folder"),
                _item("Reports", "bar-chart", locked=True),
            ),
        )
    ]
    badge = {"url": "#", "label": "Notifications", "icon": "🔔"}
    return [
        Specimen(
            f"{COMPONENT_DIR}/sidebar.html", _("active, plain and locked items"), {"menu": menu}
        ),
        Specimen(f"{COMPONENT_DIR}/sidebar.html", _("empty (renders nothing)"), {"menu": []}),
        Specimen(
            f"{COMPONENT_DIR}/header_badges.html",
            _("with a count"),
            {"module_context": {"messaging": {"header_badge": {**badge, "count": 3}}}},
        ),
        Specimen(
            f"{COMPONENT_DIR}/header_badges.html",
            _("without a count"),
            {"module_context": {"messaging": {"header_badge": {**badge, "count": 0}}}},
        ),
        Specimen(f"{COMPONENT_DIR}/language_switcher.html", _("default")),
        Specimen(
            f"{COMPONENT_DIR}/failed_cards.html",
            _("two modules failed"),
            {
                "failed_cards": [
                    {"code": "orders", "name": "Orders"},
                    {"code": "billing", "name": "Billing"},
                ]
            },
        ),
        Specimen(f"{COMPONENT_DIR}/failed_cards.html", _("nothing failed"), {"failed_cards": []}),
    ]
