"""Fixtures of the translation tests."""

from __future__ import annotations

import pytest
from django.conf import settings

from tests.i18n import po

LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


@pytest.fixture(scope="session", autouse=True)
def compiled_catalogs() -> None:
    po.ensure_compiled()


@pytest.fixture(scope="session")
def po_translation():
    """``po_translation(language, msgid, context=None)``: see ``tests.i18n.po``."""
    return po.po_translation
