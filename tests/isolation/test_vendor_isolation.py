"""Vendor isolation across every vendor-portal and vendor-API route, present and future.

Nothing here names a model, a factory or a route, so what a module adds tomorrow is walked
tomorrow:

- the **data**: every model with a foreign key to ``tenancy.Vendor`` is vendor-owned. Vendor B
  gets a row in each, made by the model's factory-boy factory, found in some installed app's
  ``factories`` module (a vendor-owned model without one fails the test: ship a factory with
  the model). A row owned through another vendor-owned row (an address through its customer)
  gets B's row as that parent. Then every free-text field of B's rows (and of B's company and
  people, the users its rows point to) is overwritten with a unique marker, so any of it
  showing up in a response is caught, and B's ids are taken from a range no other row uses
  (rows a factory made on the side are moved there too), so an id in a URL names B's row and
  nothing else.
- the **routes**: every view ``orion_core.urls.mounted_views()`` lists as guarded for the
  VENDOR frontend (portal pages and vendor API).

The walk, module by module: as vendor A's owner, every route with A's code, every id parameter
set to each of B's ids, by GET, then POST, PUT and PATCH (routes without ids too) each with two
bodies: plain values that validate, and references to B's ids wherever a form or serializer
might take a row, then DELETE. With B's code the guard refuses before any view reads an id or
a body: every method, one body, two ways of filling the ids. No response (body or
``Location``) may show a marker, none may be a 5xx, every request with A's code must reach the
view (the guard admits it), no GET with A's code naming B's id may succeed, every request with
B's code must be a 404, and B's rows must be unchanged after every route. Then once more as a
user who was in B's team and was removed: every request is a 404 (JSON on the API) and nothing
changes.

Verified against mutations: the customers API or portal reading customers unscoped, the segment
delete view looking its segment up unscoped, the guard skipping the membership check, the
guard admitting removed members: each makes a test here fail.
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import itertools
import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import factory.django
import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.test import Client
from django.urls import Resolver404, resolve
from django_scopes import scopes_disabled

from modules.tenancy.factories import MembershipFactory, VendorFactory, VendorPlatformFactory
from modules.tenancy.models import Company, Membership, Vendor, VendorPlatform
from orion_core import metrics, state
from orion_core.exceptions import OrionError
from orion_core.models import PlatformModule
from orion_core.modules.definition import FrontendType
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory, UserFactory
from orion_core.urls import MountedView, mounted_views

HOST = "isolation.test"
MARK = "zqxleak"  # every marker starts with it; nothing else in the database contains it
FIRST_B_ID = 900_000  # B's rows take ids from here: no other row of any table has one
ID_BLOCK = 10_000  # ids of B's rows in one table (see IdRange)
METHODS = ("get", "post", "put", "patch", "delete")
PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>|\(\?P<(?P<regex_name>\w+)>")


# --- the data -----------------------------------------------------------------------------------


def vendor_keys(model: type[models.Model]) -> list[str]:
    """The names of ``model``'s foreign keys to Vendor."""
    return [
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey) and field.related_model is Vendor
    ]


def vendor_owned_models() -> list[type[models.Model]]:
    """Every installed model with a foreign key to Vendor, parents before the rows they own."""
    owned = [model for model in apps.get_models() if vendor_keys(model)]
    ordered: list[type[models.Model]] = []

    def place(model: type[models.Model], seen: tuple = ()) -> None:
        if model in ordered or model in seen:
            return
        for parent in parents(model, owned):
            place(parent, (*seen, model))
        ordered.append(model)

    for model in owned:
        place(model)
    return ordered


def parents(model: type[models.Model], owned: list) -> list[type[models.Model]]:
    """The other vendor-owned models ``model`` has a foreign key to."""
    return [
        field.related_model
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
        and field.related_model in owned
        and field.related_model is not model
    ]


def all_factories() -> list[type[factory.django.DjangoModelFactory]]:
    """Every concrete DjangoModelFactory defined in an installed app's ``factories`` module."""
    found = []
    for config in apps.get_app_configs():
        name = f"{config.name}.factories"
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        for obj in vars(module).values():
            if (
                isinstance(obj, type)
                and issubclass(obj, factory.django.DjangoModelFactory)
                and obj.__module__ == module.__name__
                and not obj._meta.abstract
                and obj._meta.model is not None
            ):
                found.append(obj)
    return found


def factory_for(model: type[models.Model]) -> type[factory.django.DjangoModelFactory] | None:
    candidates = [f for f in all_factories() if f._meta.get_model_class() is model]
    # ``CustomerFactory`` for ``Customer`` before any more specialised one.
    candidates.sort(key=lambda f: f.__name__ != f"{model.__name__}Factory")
    return candidates[0] if candidates else None


def missing_factories(owned: list[type[models.Model]]) -> list[str]:
    return [model._meta.label for model in owned if factory_for(model) is None]


class IdRange:
    """Hands out B's ids: each table its own block of ``ID_BLOCK`` ids from ``FIRST_B_ID`` on.

    No other row has an id that high, and a row created later (by the walk) gets an id in its
    own table's block at worst (SQLite: the table's highest id + 1), never one of B's ids in
    another table. ``start=None``: the database's own ids.
    """

    def __init__(self, start: int | None = FIRST_B_ID) -> None:
        self.start = start
        self.blocks: dict[type[models.Model], Iterator[int]] = {}

    def kwargs(self, model: type[models.Model]) -> dict[str, int]:
        pk = model._meta.pk
        if self.start is None or not isinstance(pk, models.AutoField):
            return {}
        if model not in self.blocks:
            first = self.start + len(self.blocks) * ID_BLOCK
            self.blocks[model] = itertools.count(first)
        return {pk.attname: next(self.blocks[model])}


def make_rows_of(vendor: Vendor, ids: IdRange) -> dict[type[models.Model], list[models.Model]]:
    """A row of every vendor-owned model for ``vendor``, made by the model's factory."""
    owned = vendor_owned_models()
    missing = missing_factories(owned)
    assert not missing, (
        f"vendor-owned models without a factory: {', '.join(missing)}. Add a factory-boy "
        "DjangoModelFactory for each to its app's factories.py: the isolation walk gives the "
        "other vendor a row of every vendor-owned model through it."
    )
    rows: dict[type[models.Model], list[models.Model]] = {}
    for model in owned:
        kwargs: dict[str, Any] = dict.fromkeys(vendor_keys(model), vendor)
        for field in model._meta.concrete_fields:  # its vendor-owned parents: B's rows
            if isinstance(field, models.ForeignKey) and field.related_model in rows:
                kwargs[field.name] = rows[field.related_model][0]
        maker = factory_for(model)
        try:
            with scopes_disabled():
                rows[model] = [maker(**kwargs, **ids.kwargs(model))]
        except Exception as exc:  # noqa: BLE001 - say which factory, then fail
            pytest.fail(f"{maker.__name__}(**{kwargs}) failed for vendor {vendor.code}: {exc!r}")
    return rows


def rehome(vendor: Vendor, ids: IdRange) -> None:
    """Give ``vendor``'s rows a factory made on the side (a product's default variant, say)
    ids from their table's block too, and point every foreign key at the new id (the database
    checks foreign keys at commit, so the order of the updates does not matter)."""
    with scopes_disabled():
        for model in vendor_owned_models():
            low = rows_of(model, vendor).filter(pk__lt=FIRST_B_ID).values_list("pk", flat=True)
            for old in list(low):
                new = ids.kwargs(model).get(model._meta.pk.attname)
                if new is None:
                    continue
                model._base_manager.filter(pk=old).update(**{model._meta.pk.attname: new})
                for other in apps.get_models(include_auto_created=True):
                    for field in other._meta.concrete_fields:
                        if (
                            isinstance(field, models.ForeignKey)
                            and field.related_model is model
                            and field.target_field.primary_key
                        ):
                            other._base_manager.filter(**{field.attname: old}).update(
                                **{field.attname: new}
                            )


def rows_of(model: type[models.Model], vendor: Vendor) -> models.QuerySet:
    query = models.Q()
    for key in vendor_keys(model):
        query |= models.Q(**{key: vendor})
    return model._base_manager.filter(query)


def people_of(vendor: Vendor) -> models.QuerySet:
    """The users B's rows point to (its team, who invited whom)."""
    user_model = get_user_model()
    ids: set[int] = set()
    with scopes_disabled():
        for model in vendor_owned_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.ForeignKey) and field.related_model is user_model:
                    ids.update(
                        rows_of(model, vendor)
                        .exclude(**{field.attname: None})
                        .values_list(field.attname, flat=True)
                    )
    return user_model._base_manager.filter(pk__in=ids)


def free_text_fields(model: type[models.Model]) -> list[models.Field]:
    """Fields a person types into: text without choices (codes and slugs are identifiers, a
    password is a hash, and changing it would log its user out)."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.CharField | models.TextField)
        and not isinstance(field, models.SlugField)
        and not field.choices
        and not field.primary_key
        and field.name != "password"
    ]


def stamp(queryset: models.QuerySet, counter: Iterator[int]) -> int:
    """Overwrite every free-text field of every row with a unique marker (``update()``: no
    validation, no signals). A field too short for a marker keeps its value. Returns how many
    values were stamped."""
    stamped = 0
    model = queryset.model
    for pk in list(queryset.values_list("pk", flat=True)):
        values = {}
        for field in free_text_fields(model):
            marker = f"{MARK}{next(counter)}"
            if isinstance(field, models.EmailField):
                marker += "@b.example"
            if field.max_length is None or len(marker) <= field.max_length:
                values[field.attname] = marker
        if values:
            model._base_manager.filter(pk=pk).update(**values)
            stamped += len(values)
    return stamped


def snapshot(vendor: Vendor) -> dict[str, list[dict[str, Any]]]:
    """Every row of B's, as ``values()``: itself, its company, its vendor-owned rows and its
    people."""
    with scopes_disabled():
        taken = {
            "tenancy.Vendor": list(Vendor._base_manager.filter(pk=vendor.pk).values()),
            "tenancy.Company": list(Company._base_manager.filter(pk=vendor.company_id).values()),
            "people": list(people_of(vendor).order_by("pk").values()),
        }
        for model in vendor_owned_models():
            taken[model._meta.label] = list(rows_of(model, vendor).order_by("pk").values())
    return taken


def ids_of(vendor: Vendor) -> list[int]:
    found = {vendor.pk}
    with scopes_disabled():
        for model in vendor_owned_models():
            found.update(
                pk for pk in rows_of(model, vendor).values_list("pk", flat=True) if type(pk) is int
            )
    return sorted(found)


def slugs_of(vendor: Vendor) -> list[str]:
    """Values of B's slug fields (besides its code): identifiers a route may take."""
    found: set[str] = set()
    with scopes_disabled():
        for model in vendor_owned_models():
            for field in model._meta.concrete_fields:
                if isinstance(field, models.SlugField):
                    found.update(rows_of(model, vendor).values_list(field.attname, flat=True))
    return sorted(value for value in found if value)


# --- the routes ---------------------------------------------------------------------------------


def vendor_views(code: str | None = None) -> list[MountedView]:
    """The views the walk requests: of every module, or of module ``code``."""
    return [
        view
        for view in mounted_views(code)
        if view.guard is not None and view.guard.frontend is FrontendType.VENDOR
    ]


def walked_modules() -> list[str]:
    """The modules with vendor routes: the walk runs once per module, so that the modules are
    walked side by side on the suite's workers (and a new module's walk can run alone)."""
    return sorted({view.name.split(":", 1)[0] for view in vendor_views()})


def url_of(view: MountedView, vendor_code: str, values: dict[str, str]) -> str | None:
    """The URL of ``view`` with these parameter values, or None if they do not fit its route
    (an ``<int:…>`` given a slug): the URL must resolve to the very same view."""

    def substitute(match: re.Match) -> str:
        name = match["name"] or match["regex_name"]
        if name == "vendor_code":
            return vendor_code
        if name == "format":
            return "json"
        return values[name]

    route = view.route
    # A regex route (DRF's routers): drop its anchors and its named groups' patterns.
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"(?P<\1>", route).removesuffix("$").removesuffix("\\Z")
    url = "/" + PARAM.sub(substitute, route).replace("\\.", ".").replace("/?", "/")
    try:
        found = resolve(url)
    except Resolver404:
        return None
    return url if found.func is view.callback else None


def id_values(view: MountedView, ids: list[int], slugs: list[str]) -> list[dict[str, str]]:
    """Every way of filling the view's parameters (besides the vendor code) with B's ids."""
    names = [name for name in view.params if name not in {"vendor_code", "format"}]
    if not names:
        return [{}]
    candidates = [str(pk) for pk in ids] + slugs
    if len(names) <= 2:
        combos = itertools.product(candidates, repeat=len(names))
    else:
        combos = ((value,) * len(names) for value in candidates)
    return [dict(zip(names, combo, strict=True)) for combo in combos]


_writes = itertools.count(1)


def plain() -> dict[str, Any]:
    """What a form or serializer might take: plain values that validate (e-mails and domains
    fresh on every request, or the second write would fail as "already taken") ..."""
    n = next(_writes)
    return {
        "role": "viewer",
        "status": "removed",
        "name": "Walked",
        "first_name": "Walked",
        "last_name": "Walked",
        "phone": "+33100000000",
        "email": f"walker{n}@alpha.example",
        "domain": f"walked{n}.alpha.example",
        "is_active": False,
        "marketing_consent": True,
    }


def references(ids: dict[str, str], b_ids: list[int]) -> dict[str, Any]:
    """... and references to B's rows wherever a field may name a row (the id in the URL, else
    B's first): every foreign key name of every vendor-owned model, ``tags``, ``id``, ``pk``."""
    target = next(iter(ids.values()), str(b_ids[0]))
    pk: Any = int(target) if target.isdigit() else target
    return {"tags": [pk], "id": pk, "pk": pk} | dict.fromkeys(reference_names(), pk)


@functools.cache
def reference_names() -> tuple[str, ...]:
    return tuple(
        field.name
        for model in vendor_owned_models()
        for field in model._meta.concrete_fields
        if isinstance(field, models.ForeignKey)
    )


# Every request of the walk: a GET, then each write with each body (a DELETE's body is read by
# no view: one).
REQUESTS = [
    ("get", ""),
    *((m, body) for m in ("post", "put", "patch") for body in ("plain", "references")),
    ("delete", "references"),
]
# Where the guard must refuse (B's code, a removed member) it does so before a view reads a
# body or an id: every method, one body, and two of the ways of filling the route's ids.
REFUSED_REQUESTS = [("get", ""), *((m, "references") for m in METHODS[1:])]


def refused_values(values: list[dict[str, str]]) -> list[dict[str, str]]:
    """The first and the last way of filling a route's ids: the guard answers before any id is
    read, so the others would only repeat the same refusal."""
    return values[:1] + values[-1:] if len(values) > 1 else values


def call(
    client: Client, method: str, body_name: str, url: str, ids: dict, b_ids: list[int], api: bool
):
    if method == "get":
        return client.get(url)
    body = plain() if body_name == "plain" else references(ids, b_ids)
    if api:
        return getattr(client, method)(url, json.dumps(body), content_type="application/json")
    if method == "post":
        return client.post(url, body)
    form = urlencode(body, doseq=True)
    return getattr(client, method)(url, form, content_type="application/x-www-form-urlencoded")


def admitted() -> float:
    """How many vendor-portal requests the tenant guard has admitted so far (all modules)."""
    return sum(
        sample.value
        for metric in metrics.tenant_guard.collect()
        for sample in metric.samples
        if sample.name == "orion_tenant_guard_total"
        and sample.labels.get("frontend") == FrontendType.VENDOR.value
        and sample.labels.get("outcome") == "admitted"
    )


def text_of(response) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return (raw.decode("utf-8", "replace") + "\n" + response.get("Location", "")).lower()


# --- the world ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def _built_world(django_db_setup, django_db_blocker) -> Iterator[dict[str, Any]]:
    """The platform, A and B with a row of everything, built once for this module's tests (a
    second each, twenty times over otherwise) in a transaction rolled back after the last of
    them. Each test runs in a savepoint of it (pytest-django's ``db``), rolled back at its end,
    so a write one walk lets through is gone before the next; the autouse ``_stale_module_state``
    stales every cached answer before each test."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield build_world()
        transaction.set_rollback(True)


def build_world() -> dict[str, Any]:
    platform = PlatformFactory(code="isolation", domains=[HOST])
    service, registry = ModuleService(), get_registry()
    for code in registry.dependency_order():  # every module's vendor routes must be reachable
        if not registry.get(code).is_core:
            # A module needing config it cannot have here stays off (its routes 404).
            with contextlib.suppress(OrionError):
                service.enable(platform, code, source="test")
    state.invalidate()
    ids = IdRange()

    a = VendorFactory(code="alpha", name="Alpha Vendor", platforms=[platform])
    a_owner = UserFactory(username="alpha-owner", email="owner@alpha.example")
    MembershipFactory(user=a_owner, vendor=a, role=Membership.Role.OWNER)
    make_rows_of(a, IdRange(start=None))  # A has a row of everything too

    b = VendorFactory(code="beta", **ids.kwargs(Vendor))
    VendorPlatformFactory(vendor=b, platform=platform, **ids.kwargs(VendorPlatform))
    removed = UserFactory(username="beta-removed")
    MembershipFactory(
        user=removed,
        vendor=b,
        role=Membership.Role.OWNER,
        status=Membership.Status.REMOVED,
        **ids.kwargs(Membership),
    )
    make_rows_of(b, ids)
    rehome(b, ids)

    counter = itertools.count(1)
    with scopes_disabled():
        stamped = stamp(Vendor._base_manager.filter(pk=b.pk), counter)
        stamped += stamp(Company._base_manager.filter(pk=b.company_id), counter)
        for model in vendor_owned_models():
            stamped += stamp(rows_of(model, b), counter)
        stamped += stamp(people_of(b), counter)
    b.refresh_from_db()
    return {"a": a, "b": b, "users": {"a owner": a_owner, "b removed": removed}, "stamped": stamped}


@pytest.fixture
def world(db, _built_world):
    """The built world, with a client of its own for each user: every test starts logged in
    afresh, with no cookie or session a walk before it left behind."""
    clients = {}
    for name, user in _built_world["users"].items():
        clients[name] = Client(HTTP_HOST=HOST)
        clients[name].force_login(user)  # log in first: it writes last_login
    return {**_built_world, "clients": clients}


# --- the tests ----------------------------------------------------------------------------------


def test_every_vendor_owned_model_has_a_factory():
    owned = vendor_owned_models()
    assert {"tenancy.Membership", "customers.Customer"} <= {m._meta.label for m in owned}
    assert missing_factories(owned) == [], "ship a factory with every vendor-owned model"
    # The check can fail: a model no factory makes is reported.
    assert missing_factories([PlatformModule]) == ["orion_core.PlatformModule"]


def test_the_walk_finds_the_vendor_routes():
    names = {view.name for view in vendor_views()}
    assert {"tenancy:dashboard", "tenancy:api-member", "customers:vendor-detail"} <= names
    assert {"customers:api-customer-detail", "customers:vendor-segment-delete"} <= names
    assert {view.guard.api for view in vendor_views()} == {True, False}


def test_b_has_a_marked_row_of_every_vendor_owned_model(world):
    b = world["b"]
    taken = snapshot(b)
    for model in vendor_owned_models():
        assert taken[model._meta.label], f"B has no {model._meta.label}"
    assert world["stamped"] >= 10
    assert MARK in json.dumps(taken, default=str)
    assert min(pk for pk in ids_of(b)) >= FIRST_B_ID
    # Ids name B's rows only: no other row of a vendor-owned table has one of them.
    with scopes_disabled():
        for model in vendor_owned_models():
            others = model._base_manager.exclude(pk__in=rows_of(model, b).values("pk"))
            assert not others.filter(pk__gte=FIRST_B_ID).exists(), model._meta.label


@pytest.mark.parametrize("module", walked_modules())
def test_no_route_shows_or_changes_another_vendors_data(world, module):
    a, b, client = world["a"], world["b"], world["clients"]["a owner"]
    ids, slugs = ids_of(b), slugs_of(b)
    before = snapshot(b)
    problems: list[str] = []
    requested = 0
    views = vendor_views(module)
    for view in views:
        built, wrote = 0, []
        values_list = id_values(view, ids, slugs)
        for code, walked in ((a.code, values_list), (b.code, refused_values(values_list))):
            for values in walked:
                url = url_of(view, code, values)
                if url is None:
                    continue
                built += 1
                for method, body in REQUESTS if code == a.code else REFUSED_REQUESTS:
                    requested += 1
                    where = f"{method.upper()} {url} {body} ({view.name})"
                    counted = admitted()
                    try:
                        response = call(client, method, body, url, values, ids, view.guard.api)
                    except Exception as exc:  # noqa: BLE001 - a crash is a finding, go on
                        problems.append(f"{where}: raised {exc!r}")
                        continue
                    if code == a.code and admitted() != counted + 1:
                        # A's owner must reach A's views, or the walk would prove nothing.
                        problems.append(f"{where}: {response.status_code}, not admitted")
                    if response.status_code >= 500:
                        problems.append(f"{where}: {response.status_code}")
                    if code == b.code and response.status_code != 404:
                        problems.append(f"{where}: {response.status_code}, not 404")
                    if code == a.code and values and method == "get" and response.status_code < 300:
                        problems.append(f"{where}: {response.status_code}: B's row served to A")
                    if MARK in text_of(response):
                        problems.append(f"{where}: shows B's data")
                    if method != "get" and response.status_code < 400:
                        wrote.append(f"{where}: {response.status_code}")
        if not built:
            problems.append(f"{view.name}: no URL could be built for {view.route}")
        if snapshot(b) != before:
            problems.append(f"{view.name}: B's data changed; the writes it accepted: {wrote}")
            before = snapshot(b)
    assert not problems, "\n".join(problems)
    assert views and requested >= len(views) * (len(REQUESTS) + len(REFUSED_REQUESTS))


@pytest.mark.parametrize("module", walked_modules())
def test_a_removed_member_of_b_gets_404_everywhere(world, module):
    b, client = world["b"], world["clients"]["b removed"]
    ids, slugs = ids_of(b), slugs_of(b)
    before = snapshot(b)
    problems: list[str] = []
    for view in vendor_views(module):
        for values in refused_values(id_values(view, ids, slugs)):
            url = url_of(view, b.code, values)
            if url is None:
                continue
            for method, body in REFUSED_REQUESTS:
                response = call(client, method, body, url, values, ids, view.guard.api)
                where = f"{method.upper()} {url} {body}"
                if response.status_code != 404:
                    problems.append(f"{where}: {response.status_code}, not 404")
                elif view.guard.api and not response["Content-Type"].startswith("application/json"):
                    problems.append(f"{where}: an API 404 that is not JSON")
                if MARK in text_of(response):
                    problems.append(f"{where}: shows B's data")
    assert not problems, "\n".join(problems)
    assert snapshot(b) == before, "B's data changed"
