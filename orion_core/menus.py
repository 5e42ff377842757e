"""The sidebar of a frontend, built from the menus modules declare (ARCHITECTURE.md §4, §6).

``build_menu(request)`` gives the sections and items the request's user sees on the request's
frontend and platform. An item is shown when, in this order:

1. its module is enabled on the platform;
2. its module is not internal, or the user is staff and the frontend is ADMIN (internal
   modules never appear on the vendor portal or the storefront);
3. the user holds the item's ``permission`` (``orion_core.permissions``), if it names one;
4. the platform's menu configuration (``PlatformMenuConfig``) does not hide it, unless the item
   is ``mandatory``;
5. the vendor's plan includes the item's ``feature``, if it names one and the request has a
   vendor (``orion_core.features``). If not, the item is hidden on the storefront (customers
   have no plan to upgrade) and shown ``locked`` elsewhere: its link leads to the page, which
   shows the upgrade prompt naming the tiers that include it;
6. its URL can be built here (vendor and storefront URLs take ``vendor_code`` from the URL of
   the current page).

``explain_menu(request, frontend)`` gives that decision, with its reason, for every item
declared on the frontend; ``build_menu`` keeps the shown ones of the same decisions, so the two
never disagree (and a sidebar never pays for the reasons' translations).

Order is explicit and deterministic. Modules may add items to one section by declaring the same
section id; the section takes its label and ``order`` from the first declaring module in
dependency order. Sections are sorted by (``order``, dependency rank of that module, id); items
within a section by (``order``, dependency rank of their module, id), so a module can place an
item between another module's items. Sections left empty are dropped.

Cost: no SQL and no cache round trip on the warm path (an item naming a ``feature`` asks the
entitlements provider once per request and feature; the fallback asks nothing). The platform's
menu configuration is part of its cached state (``orion_core.state``), which the request already
holds: a change bumps the generation on commit, so an old configuration can never be served
after it. The built menu is memoised on the request.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _

from orion_core import features, state
from orion_core.modules.definition import FrontendType, MenuItemDefinition, MenuSectionDefinition
from orion_core.modules.registry import ModuleRegistry, get_registry
from orion_core.permissions import effective_permissions

if TYPE_CHECKING:
    from django.http import HttpRequest

# Frontends whose URLs carry the vendor code (orion_core.urls.FRONTEND_MOUNTS).
VENDOR_SCOPED = frozenset({FrontendType.VENDOR, FrontendType.STOREFRONT})

_MENUS = "_orion_menus"


# --- what is built -------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuItem:
    """One link of the built sidebar."""

    id: str
    key: str  # "module:item_id", as stored in PlatformMenuConfig.hidden_items
    label: str
    url: str
    icon: str
    module: str
    active: bool = False
    mandatory: bool = False
    locked: bool = False  # the vendor's plan lacks the item's feature: mark it, offer upgrading


@dataclass(frozen=True)
class MenuSection:
    """A titled group of the built sidebar; never empty."""

    id: str
    label: str
    order: int
    items: tuple[MenuItem, ...]


class Reason:
    """Machine-readable codes of an ``ItemDecision`` (its ``reason`` is the human text)."""

    SHOWN = "shown"
    MODULE_DISABLED = "module_disabled"
    INTERNAL = "internal"
    PERMISSION = "permission"
    HIDDEN = "hidden"
    FEATURE = "feature"  # the plan lacks the item's feature, on the storefront: hidden
    LOCKED = "locked"  # the plan lacks the item's feature, elsewhere: shown locked
    NO_URL = "no_url"


SHOWN_CODES = frozenset({Reason.SHOWN, Reason.LOCKED})


@dataclass(frozen=True)
class ItemDecision:
    """Whether one declared item is shown to this request, and why."""

    key: str
    module: str
    section_id: str
    section_label: str
    item_id: str
    label: str
    shown: bool
    code: str
    reason: str
    permission: str = ""
    mandatory: bool = False
    url: str = ""
    feature: str = ""


# --- what is declared ----------------------------------------------------------------------


@dataclass(frozen=True)
class DeclaredItem:
    """A menu item as a module declares it, with the section it is listed under."""

    module: str
    section: MenuSectionDefinition
    item: MenuItemDefinition
    rank: int  # the module's place in dependency order

    @property
    def key(self) -> str:
        return item_key(self.module, self.item.id)


def item_key(module: str, item_id: str) -> str:
    return f"{module}:{item_id}"


def declared_items(
    frontend: FrontendType | str, registry: ModuleRegistry | None = None
) -> list[DeclaredItem]:
    """Every item any installed module declares on ``frontend``, in menu order.

    Items of a shared section id are listed under the section of its first declaring module.
    Computed once per registry (which never changes) and frontend.
    """
    registry = registry if registry is not None else get_registry()
    return list(_declared_items(registry, FrontendType(frontend)))


@functools.lru_cache(maxsize=64)
def _declared_items(registry: ModuleRegistry, frontend: FrontendType) -> tuple[DeclaredItem, ...]:
    rank = {code: index for index, code in enumerate(registry.dependency_order())}
    sections: dict[str, tuple[MenuSectionDefinition, int]] = {}
    found: list[tuple[str, str, MenuItemDefinition, int]] = []
    for code in registry.dependency_order():
        for section in registry.get(code).menus.get(frontend, ()):
            sections.setdefault(section.id, (section, rank[code]))
            found.extend((code, section.id, item, rank[code]) for item in section.items)

    def section_key(section_id: str) -> tuple[int, int, str]:
        section, owner_rank = sections[section_id]
        return (section.order, owner_rank, section.id)

    found.sort(key=lambda f: (*section_key(f[1]), f[2].order, f[3], f[2].id))
    return tuple(
        DeclaredItem(module=code, section=sections[section_id][0], item=item, rank=module_rank)
        for code, section_id, item, module_rank in found
    )


# --- the platform's menu configuration -----------------------------------------------------


def hidden_items(request: HttpRequest, frontend: FrontendType | str) -> frozenset[str]:
    """Keys the request's platform hides on ``frontend``: part of its cached platform state."""
    platform = getattr(request, "platform", None)
    if platform is None:
        return frozenset()
    current = getattr(request, "platform_state", None)
    if current is None or current.platform.pk != platform.pk:
        current = state.state_for_platform(platform.pk)
    return frozenset(current.hidden_menu_items.get(FrontendType(frontend).value, ()))


# --- deciding ------------------------------------------------------------------------------


def _is_staff(request: HttpRequest) -> bool:
    user = getattr(request, "user", None)
    return bool(getattr(user, "is_staff", False) and getattr(user, "is_active", True))


def _url_kwargs(request: HttpRequest, frontend: FrontendType) -> dict[str, Any]:
    if frontend not in VENDOR_SCOPED:
        return {}
    match = getattr(request, "resolver_match", None)
    vendor_code = (getattr(match, "kwargs", None) or {}).get("vendor_code")
    return {"vendor_code": vendor_code} if vendor_code else {}


def _decide(
    request: HttpRequest, frontend: FrontendType, declared: DeclaredItem, context: _Context
) -> tuple[str, str]:
    """(``Reason`` code, url) of one item; the url only when it is shown."""
    registry, module, item = context.registry, declared.module, declared.item
    if module not in context.enabled:
        return Reason.MODULE_DISABLED, ""
    if registry.is_internal(module) and (frontend is not FrontendType.ADMIN or not context.staff):
        return Reason.INTERNAL, ""
    if item.permission and item.permission not in context.permissions():
        return Reason.PERMISSION, ""
    if not item.mandatory and declared.key in context.hidden():
        return Reason.HIDDEN, ""
    locked = bool(item.feature) and not features.has_feature(
        request, item.feature, registry=registry
    )
    if locked and frontend is FrontendType.STOREFRONT:
        return Reason.FEATURE, ""
    try:
        url = reverse(
            f"{module}:{item.url_name}",
            kwargs=context.url_kwargs,
            urlconf=getattr(request, "urlconf", None),
        )
    except NoReverseMatch:
        return Reason.NO_URL, ""
    return (Reason.LOCKED if locked else Reason.SHOWN), url


def _reason(code: str, declared: DeclaredItem, frontend: FrontendType) -> str:
    """The human reason of a decision (only the menu debugger shows it)."""
    if code == Reason.MODULE_DISABLED:
        return _("module %(module)s disabled on this platform") % {"module": declared.module}
    if code == Reason.INTERNAL:
        if frontend is not FrontendType.ADMIN:
            return _("internal module: never on this frontend")
        return _("internal module: staff only")
    if code == Reason.PERMISSION:
        return _("needs permission %(permission)s") % {"permission": declared.item.permission}
    if code == Reason.HIDDEN:
        return _("hidden by platform menu configuration")
    if code == Reason.FEATURE:
        return _("the vendor's plan does not include %(feature)s") % {
            "feature": declared.item.feature
        }
    if code == Reason.LOCKED:
        return _("shown locked: the vendor's plan does not include %(feature)s") % {
            "feature": declared.item.feature
        }
    if code == Reason.NO_URL:
        return _("its URL cannot be built on this page")
    return _("shown")


class _Context:
    """What the decisions share, each part computed only when an item gets that far."""

    def __init__(
        self, request: HttpRequest, frontend: FrontendType, registry: ModuleRegistry
    ) -> None:
        self.request, self.frontend, self.registry = request, frontend, registry
        self.enabled = frozenset(getattr(request, "modules", ()))
        self.staff = _is_staff(request)
        self.url_kwargs = _url_kwargs(request, frontend)
        self._permissions: frozenset[str] | None = None
        self._hidden: frozenset[str] | None = None

    def permissions(self) -> frozenset[str]:
        if self._permissions is None:
            self._permissions = effective_permissions(
                self.request, self.frontend, registry=self.registry
            )
        return self._permissions

    def hidden(self) -> frozenset[str]:
        if self._hidden is None:
            self._hidden = hidden_items(self.request, self.frontend)
        return self._hidden


def _decisions(
    request: HttpRequest, frontend: FrontendType, registry: ModuleRegistry | None
) -> list[tuple[DeclaredItem, str, str]]:
    """(declared item, ``Reason`` code, url) of every item declared on ``frontend``."""
    registry = registry if registry is not None else get_registry()
    context = _Context(request, frontend, registry)
    return [
        (declared, *_decide(request, frontend, declared, context))
        for declared in declared_items(frontend, registry)
    ]


def explain_menu(
    request: HttpRequest,
    frontend: FrontendType | str | None = None,
    *,
    registry: ModuleRegistry | None = None,
) -> list[ItemDecision]:
    """For every item declared on ``frontend`` (default: the request's), shown or not and why."""
    frontend = frontend if frontend is not None else getattr(request, "frontend", None)
    if frontend is None:
        return []
    frontend = FrontendType(frontend)
    return [
        ItemDecision(
            key=declared.key,
            module=declared.module,
            section_id=declared.section.id,
            section_label=str(declared.section.label),
            item_id=declared.item.id,
            label=str(declared.item.label),
            shown=code in SHOWN_CODES,
            code=code,
            reason=_reason(code, declared, frontend),
            permission=declared.item.permission,
            mandatory=declared.item.mandatory,
            url=url,
            feature=declared.item.feature,
        )
        for declared, code, url in _decisions(request, frontend, registry)
    ]


def _active_url(path: str, urls: list[str]) -> str | None:
    """The item URL the current page is under: an exact match, else the longest prefix."""
    if path in urls:
        return path
    under = [u for u in urls if u.endswith("/") and path.startswith(u)]
    return max(under, key=len) if under else None


def build_menu(
    request: HttpRequest,
    frontend: FrontendType | str | None = None,
    *,
    registry: ModuleRegistry | None = None,
) -> list[MenuSection]:
    """The sidebar of ``frontend`` (default: the request's) for this platform and user."""
    frontend = frontend if frontend is not None else getattr(request, "frontend", None)
    if frontend is None:
        return []
    frontend = FrontendType(frontend)
    memo: dict[FrontendType, list[MenuSection]] | None = None
    if registry is None:  # custom registries (tests) are never memoised
        memo = getattr(request, _MENUS, None)
        if memo is None:
            memo = {}
            setattr(request, _MENUS, memo)
        if frontend in memo:
            return memo[frontend]
    shown = [
        (declared, code, url)
        for declared, code, url in _decisions(request, frontend, registry)
        if code in SHOWN_CODES
    ]
    active = _active_url(getattr(request, "path", ""), [url for _declared, _code, url in shown])
    sections: dict[str, tuple[MenuSectionDefinition, list[MenuItem]]] = {}
    for declared, code, url in shown:  # already in menu order
        _section, items = sections.setdefault(declared.section.id, (declared.section, []))
        items.append(
            MenuItem(
                id=declared.item.id,
                key=declared.key,
                label=declared.item.label,
                url=url,
                icon=declared.item.icon,
                module=declared.module,
                active=url == active,
                mandatory=declared.item.mandatory,
                locked=code == Reason.LOCKED,
            )
        )
    menu = [
        MenuSection(id=section.id, label=section.label, order=section.order, items=tuple(items))
        for section, items in sections.values()
    ]
    if memo is not None:
        memo[frontend] = menu
    return menu


def forget(request: Any) -> None:
    """Drop what is memoised on the request (after changing its user, platform or modules)."""
    if hasattr(request, _MENUS):
        delattr(request, _MENUS)


def module_links(
    request: HttpRequest,
    frontend: FrontendType | str | None = None,
    *,
    registry: ModuleRegistry | None = None,
) -> dict[str, str]:
    """``{module code: URL of its first item this request's user is shown}`` on ``frontend``:
    where a dashboard card of that module links to. Built from the (memoised) sidebar, so a
    module whose page this user may not open gets no link."""
    links: dict[str, str] = {}
    for section in build_menu(request, frontend, registry=registry):
        for item in section.items:
            links.setdefault(item.module, item.url)
    return links
