"""What modules contribute to dashboards and pages, and the aggregators that ask them.

A module offers providers as ``metrics_provider``, ``widgets_provider`` and ``context_provider``
objects in its ``providers.py``. Aggregators ask only the modules enabled on the platform, in
dependency order; a provider that raises is logged, counted and left out, so one broken module
never breaks a page (the pattern of Saleor's plugin manager). Callers that pass a ``failures``
list learn which modules were left out, so a page can tell staff whose card is missing.

A metric or widget may carry the ``url`` of its module's page; dashboards fill the ones left
empty from the module's first menu item (``orion_core.menus.module_links``), so each card links
to its module's page without every provider repeating its URL names.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

from django.utils.translation import get_language

from orion_core import metrics
from orion_core.modules.registry import ModuleRegistry, get_registry

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping

    from django.http import HttpRequest

    from orion_core.models import Platform

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Metric:
    """One figure for a dashboard, e.g. ``Metric("orders.today", "Orders today", 12)``."""

    key: str
    label: str
    value: int | float | str
    unit: str = ""
    module: str = ""
    url: str = ""  # the module's page the card links to


@dataclass(frozen=True)
class Widget:
    """A dashboard panel: a template rendered with ``context``."""

    key: str
    title: str
    template: str
    context: dict[str, Any]
    order: int = 100
    module: str = ""
    url: str = ""  # the module's page the card links to


@dataclass(frozen=True)
class ProviderFailure:
    """A module whose provider raised and was left out (the traceback is in the log)."""

    module: str
    kind: str


@runtime_checkable
class MetricsProvider(Protocol):
    def get_metrics(self, platform: Platform) -> Iterable[Metric]: ...


@runtime_checkable
class WidgetProvider(Protocol):
    def get_widgets(self, platform: Platform, user: Any) -> Iterable[Widget]: ...


@runtime_checkable
class ContextProvider(Protocol):
    def get_context(self, request: HttpRequest) -> dict[str, Any]: ...


def _ask(
    kind: str,
    enabled: Iterable[str],
    call: Any,
    registry: ModuleRegistry | None,
    failures: list[ProviderFailure] | None = None,
) -> list[tuple[str, Any]]:
    registry = registry if registry is not None else get_registry()
    enabled = set(enabled)
    answers = []
    for code in (c for c in registry.dependency_order() if c in enabled):
        try:
            provider = registry.provider(code, kind)
            if provider is not None:
                answers.append((code, call(provider)))
        except Exception:
            logger.exception("The %s provider of module %s failed; left out", kind, code)
            metrics.provider_failures.labels(module=code, kind=kind).inc()
            if failures is not None:
                failures.append(ProviderFailure(code, kind))
    return answers


def collect_metrics(
    platform: Platform,
    enabled: Iterable[str],
    *,
    registry: ModuleRegistry | None = None,
    failures: list[ProviderFailure] | None = None,
) -> list[Metric]:
    answers = _ask("metrics", enabled, lambda p: list(p.get_metrics(platform)), registry, failures)
    # Labels settled in the active language: kept dashboards (``derived``) unpickle plain
    # strings, where every lazy translation would rebuild its proxy class.
    return [replace(m, label=str(m.label), unit=str(m.unit)) for _, found in answers for m in found]


def collect_widgets(
    platform: Platform,
    user: Any,
    enabled: Iterable[str],
    *,
    registry: ModuleRegistry | None = None,
    failures: list[ProviderFailure] | None = None,
) -> list[Widget]:
    answers = _ask(
        "widgets", enabled, lambda p: list(p.get_widgets(platform, user)), registry, failures
    )
    return sorted((w for _, found in answers for w in found), key=lambda w: (w.order, w.key))


@dataclass(frozen=True)
class RenderedWidget:
    widget: Widget
    html: str


def render_widgets(
    request: HttpRequest,
    widgets: Iterable[Widget],
    *,
    failures: list[ProviderFailure] | None = None,
) -> list[RenderedWidget]:
    """Each widget's template rendered with its own context (not the page's). A widget that
    fails to render is logged, counted and left out (and added to ``failures``); the page still
    renders."""
    from django.template.loader import render_to_string

    rendered = []
    for widget in widgets:
        try:
            html = render_to_string(widget.template, widget.context, request=request)
        except Exception:
            logger.exception("Widget %s of module %s failed to render", widget.key, widget.module)
            metrics.provider_failures.labels(module=widget.module, kind="widget_render").inc()
            if failures is not None:
                failures.append(ProviderFailure(widget.module, "widget_render"))
            continue
        # Rendered: the context is spent, the title settled in the active language (see
        # ``collect_metrics``).
        rendered.append(RenderedWidget(replace(widget, title=str(widget.title), context={}), html))
    return rendered


def cards_key(request: HttpRequest, page: str, *parts: Any) -> str:
    """The ``derived`` key of a dashboard's cards on ``page`` for this request: per user (what
    providers show depends on who asks), language and the ``parts`` that select the data
    (platform, vendor). The platform, vendor and membership the request resolved are among the
    generations the cards are kept under, so they need not be in the key."""
    user = request.user
    who = f"{user.pk}:{int(user.is_staff)}{int(user.is_superuser)}"
    return f"orion:cards:{page}:{get_language()}:{who}:{':'.join(map(str, parts))}"


def with_links(cards: Iterable[Any], links: Mapping[str, str]) -> list[Any]:
    """``cards`` (metrics or widgets), each with ``url`` set to its module's link in ``links``
    when its provider left it empty."""
    return [
        replace(card, url=links[card.module]) if not card.url and card.module in links else card
        for card in cards
    ]


def failed_cards(
    failures: Iterable[ProviderFailure], *, registry: ModuleRegistry | None = None
) -> list[dict[str, str]]:
    """``{code, name}`` of each module whose cards were left out, once, in the order they
    failed: what ``orion/includes/failed_cards.html`` tells staff."""
    registry = registry if registry is not None else get_registry()
    codes = dict.fromkeys(f.module for f in failures if f.module in registry)
    return [{"code": code, "name": str(registry.get(code).name)} for code in codes]


def collect_context(
    request: HttpRequest, enabled: Iterable[str], *, registry: ModuleRegistry | None = None
) -> dict[str, Any]:
    """Each module's template context under its own code: ``{{ billing.plan_name }}``."""
    answers = _ask("context", enabled, lambda p: dict(p.get_context(request)), registry)
    return dict(answers)
