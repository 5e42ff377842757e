"""Demo content for ``manage.py seed_demo``."""

from __future__ import annotations

from typing import Any


def seed_demo_content(platforms: dict[str, Any]) -> list[str]:
    return []
