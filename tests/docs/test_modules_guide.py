"""docs/modules.md cannot drift from the code it teaches.

- A code block marked ``<!-- from docs/examples/…/file -->`` (the line right before its fence)
  must appear verbatim in that file: the worked example's files are real, and
  tests/integration/test_scaffold.py installs them and runs CI against them.
- Every file path the guide names in backquotes exists (``modules/giftcards/…`` and
  ``tests/modules/giftcards/…`` in the worked example), and every link to another file too.
- Every ``§N`` points to a section of the guide, and every contract and domain event declared
  in ``orion_core`` is listed in it.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest

import orion_core.contracts
from orion_core import domain_events

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "docs" / "modules.md"
EXAMPLE = ROOT / "docs" / "examples" / "giftcards"
TEXT = GUIDE.read_text(encoding="utf-8")

MARKED = re.compile(r"^<!-- from (?P<path>\S+) -->\n```[\w-]*\n(?P<code>.*?)^```$", re.M | re.S)
MARKER = re.compile(r"<!-- from (\S+) -->")
PATH = re.compile(r"`((?:orion_core|modules|tests|docs|templates|config|locale|static)/[^`\s]*)`")
LINK = re.compile(r"\]\((?!https?:|#)([^)#\s]+)")
SECTION = re.compile(r"^## (\d+)\. ", re.M)
REFERENCE = re.compile(r"§(\d+)")
EXAMPLE_ROOTS = ("modules/giftcards", "tests/modules/giftcards")


def marked_blocks() -> list[tuple[str, str]]:
    return [(m["path"], m["code"]) for m in MARKED.finditer(TEXT)]


def test_every_marker_is_followed_by_a_code_block():
    assert len(MARKER.findall(TEXT)) == len(marked_blocks())
    assert len(marked_blocks()) >= 8


@pytest.mark.parametrize(("path", "code"), marked_blocks(), ids=lambda v: v[:60])
def test_a_marked_block_is_in_its_file(path, code):
    source = ROOT / path
    assert path.startswith("docs/examples/") and source.is_file(), path
    assert code in source.read_text(encoding="utf-8"), f"{path} no longer holds:\n{code}"


def existing(path: str) -> bool:
    path = path.rstrip("/").rstrip(".,:")
    candidates = [ROOT / path]
    if path.startswith(EXAMPLE_ROOTS):
        candidates.append(EXAMPLE / path)
    return any(p.exists() for p in candidates)


def test_every_path_the_guide_names_exists():
    named = {p for p in PATH.findall(TEXT) if not any(c in p for c in "<>*…{") and "/.." not in p}
    assert len(named) > 20
    missing = sorted(p for p in named if not existing(p))
    assert not missing, missing


def test_every_link_leads_to_a_file():
    links = LINK.findall(TEXT)
    assert links
    assert not [link for link in links if not (GUIDE.parent / link).exists()]


def test_every_section_reference_exists():
    sections = set(SECTION.findall(TEXT))
    assert sections == {str(n) for n in range(1, len(sections) + 1)}
    assert not sorted(set(REFERENCE.findall(TEXT)) - sections, key=int)


def declared(module, kind: type) -> list[str]:
    """Names of the ``kind`` objects a module of orion_core declares (tests declare their own)."""
    return [value.name for value in vars(module).values() if isinstance(value, kind)]


def test_every_contract_and_domain_event_is_in_the_guide():
    names = declared(domain_events, domain_events.DomainEvent)
    for found in pkgutil.iter_modules(orion_core.contracts.__path__):
        module = importlib.import_module(f"orion_core.contracts.{found.name}")
        names += declared(module, orion_core.contracts.Contract)
    assert {"tenant_guard", "stock", "stock_low"} <= set(names)
    missing = [f"`{name}`" for name in names if f"`{name}`" not in TEXT]
    assert not missing, f"docs/modules.md §8 does not list {', '.join(missing)}"
