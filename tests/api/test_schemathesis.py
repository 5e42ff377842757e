"""Property tests of the whole API against its own OpenAPI schema (schemathesis, stateless).

The schema is drf-spectacular's, the one /api/schema/ serves (a test below keeps the two
equal). It is generated at import, not fetched in a fixture, because schemathesis 4.32's
fixture loader (``from_fixture``) sets ``Node._nodeid``, which pytest 9.2 no longer has.
Every operation is called in-process on the
WSGI app with generated valid and invalid requests, as a staff user and as a vendor owner, each
with a DRF token, on the ``acme.test`` host. Path parameters are bound to real data (the vendor
and platform codes, every module code, the ids the fixture creates, plus another vendor's and an
unknown id) so requests reach the views instead of stopping at a 404.

What must hold for every response: no 5xx, the body matches the schema for its status code, and
errors have DRF's two shapes: ``{"detail": "…"}`` for 403/404/405 and a 400 refusal,
per-field ``{"field": ["…"]}`` for invalid input.

Each example runs in a savepoint rolled back after the call, so examples do not see each
other's writes (a deleted member is back for the next example). Generation is seeded and
derandomized, and small enough that the file runs in well under a minute.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import got_request_exception, request_finished, request_started
from django.db import close_old_connections, transaction
from drf_spectacular.generators import SchemaGenerator
from drf_spectacular.renderers import OpenApiJsonRenderer
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.config import SchemathesisConfig

from config.wsgi import application
from modules.customers.factories import CustomerFactory, CustomerTagFactory
from modules.tenancy.factories import InvitationFactory, MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.modules.registry import get_registry
from orion_core.testing import StaffUserFactory, UserFactory

HOST = "acme.test"
PLATFORM = "acme"
VENDOR = "alpha"
TOKENS = {"staff": "schemathesis-staff-token", "owner": "schemathesis-owner-token"}
# Fixed primary keys, far above what a sequence reaches in a run, so the parameter bindings
# (built at import) name rows the fixture creates.
MEMBER_IDS = [9101, 9102, 9103, 9104]  # owner first, then manager, staff, viewer
INVITATION_IDS = [9201, 9202]
CUSTOMER_IDS = [9301, 9302, 9303]
FOREIGN_CUSTOMER_ID = 9399  # another vendor's: must be a 404 here
UNKNOWN_ID = 987654321
MAX_EXAMPLES = 20


def generated_schema() -> dict[str, Any]:
    """What SpectacularAPIView serves, as plain JSON data."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return json.loads(OpenApiJsonRenderer().render(schema))


def id_binding(path_regex: str, dictionary: str) -> dict[str, Any]:
    return {"include-path-regex": path_regex, "parameters": {"path.id": {"dictionary": dictionary}}}


CONFIG = SchemathesisConfig.from_dict(
    {
        "seed": 20260101,
        # The coverage phase sends hundreds of boundary cases per operation, most of them to
        # ids that do not exist: too slow for the budget. Examples and fuzzing remain.
        "phases": {"coverage": {"enabled": False}},
        "generation": {
            "mode": "all",
            "max-examples": MAX_EXAMPLES,
            "deterministic": True,
            "database": "none",
        },
        "dictionaries": {
            "modules": {"values": [d.code for d in get_registry()] + ["nosuch"]},
            "members": {"values": [*MEMBER_IDS, UNKNOWN_ID]},
            "invitations": {"values": [*INVITATION_IDS, UNKNOWN_ID]},
            "customers": {"values": [*CUSTOMER_IDS, FOREIGN_CUSTOMER_ID, UNKNOWN_ID]},
        },
        "parameters": {
            "path.vendor_code": VENDOR,
            "path.platform_code": PLATFORM,
            "path.module_code": {"dictionary": "modules"},
        },
        "operations": [
            id_binding(r"/team/\{id\}/$", "members"),
            id_binding(r"/team/invitations/\{id\}/$", "invitations"),
            id_binding(r"/customers/\{id\}/$", "customers"),
        ],
    }
)
schema = schemathesis.openapi.from_dict(generated_schema(), config=CONFIG)


@pytest.fixture(autouse=True)
def _fast_passwords(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def _keep_test_connection() -> Iterator[None]:
    """Django's test client does this too: the bare WSGI handler closes "old" connections at
    the start and end of each request, which would close the test's connection inside its
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def api_data(platform: Any, _keep_test_connection: None) -> None:
    """A vendor with a full team, invitations and tagged customers; a second vendor with a
    customer; a staff user. The owner and the staff user have fixed tokens."""
    vendor = VendorFactory(code=VENDOR, platforms=[platform])
    other = VendorFactory(code="beta", platforms=[platform])
    owner = UserFactory(username="owner")
    roles = [Membership.Role.OWNER, Membership.Role.MANAGER, Membership.Role.STAFF]
    roles.append(Membership.Role.VIEWER)
    for pk, role in zip(MEMBER_IDS, roles, strict=True):
        user = owner if role == Membership.Role.OWNER else UserFactory()
        MembershipFactory(id=pk, user=user, vendor=vendor, role=role)
    for pk in INVITATION_IDS:
        InvitationFactory(id=pk, vendor=vendor)
    tag = CustomerTagFactory(vendor=vendor, name="vip")
    for pk in CUSTOMER_IDS:
        CustomerFactory(id=pk, vendor=vendor, tags=[tag])
    CustomerFactory(id=FOREIGN_CUSTOMER_ID, vendor=other)
    Token.objects.create(user=owner, key=TOKENS["owner"])
    # A superuser: staff without the module permission would stop at 403 on every write.
    staff = StaffUserFactory(username="staff", is_superuser=True)
    Token.objects.create(user=staff, key=TOKENS["staff"])


def error_bodies(ctx: Any, response: Any, case: Any) -> bool | None:
    """DRF's two error shapes, whatever the schema says: ``detail`` for anything not about one
    field, per-field lists for invalid input."""
    status = response.status_code
    if status < 400 or status >= 500:
        return None
    body = response.json()
    assert isinstance(body, dict) and body, f"{status} without an error object: {body!r}"
    if status != 400 or set(body) == {"detail"}:
        assert set(body) == {"detail"} and isinstance(body["detail"], str), body
        return True
    for field, messages in body.items():
        assert isinstance(messages, (list, dict)) and messages, f"{field}: {messages!r}"
    return True


CHECKS = [not_a_server_error, response_schema_conformance, error_bodies]


def call_and_check(case: Any, actor: str) -> None:
    """One example: call inside a savepoint that is rolled back, then run the checks. A view
    that raised is reported with its traceback, not only as a 500."""
    errors: list[BaseException | None] = []

    def capture(sender: Any, **kwargs: Any) -> None:
        errors.append(sys.exc_info()[1])

    got_request_exception.connect(capture)
    try:
        with transaction.atomic():
            response = case.call(
                app=application,
                base_url=f"http://{HOST}",
                headers={"Authorization": f"Token {TOKENS[actor]}"},
            )
            transaction.set_rollback(True)
    finally:
        got_request_exception.disconnect(capture)
    if errors:
        raise AssertionError(f"{case.method} {case.formatted_path} raised") from errors[0]
    case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
@pytest.mark.parametrize("actor", ["staff", "owner"])
@schema.parametrize()
@hypothesis_settings(
    # The fixture's rows are shared by the examples on purpose: each call is rolled back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_api_conforms_to_its_schema(case: Any, actor: str, api_data: None) -> None:
    call_and_check(case, actor)


@pytest.mark.django_db
def test_the_bindings_reach_the_views(api_data: None) -> None:
    """The generated requests carry these tokens, host and ids: if they stopped reaching the
    views, every example would be a 403 or 404 and the property test would prove nothing."""
    client = APIClient(HTTP_HOST=HOST)
    staff = {"HTTP_AUTHORIZATION": f"Token {TOKENS['staff']}"}
    owner = {"HTTP_AUTHORIZATION": f"Token {TOKENS['owner']}"}
    vendor = f"/api/v1/vendor/{VENDOR}"
    modules = f"/api/v1/admin/platforms/{PLATFORM}/modules/"
    assert client.get(modules, **staff).status_code == 200
    assert client.post(f"{modules}analytics/enable/?dry_run=1", **staff).status_code == 200
    assert client.get(f"{vendor}/team/{MEMBER_IDS[0]}/", **owner).status_code == 200
    assert client.get(f"{vendor}/team/invitations/{INVITATION_IDS[0]}/", **owner).status_code == 200
    assert client.get(f"{vendor}/customers/{CUSTOMER_IDS[0]}/", **staff).status_code == 200
    assert client.get(f"{vendor}/customers/{FOREIGN_CUSTOMER_ID}/", **owner).status_code == 404


@pytest.mark.django_db
def test_served_schema_is_the_one_under_test(client: Any, platform: Any) -> None:
    response = client.get("/api/schema/", {"format": "json"}, HTTP_HOST=HOST)
    assert response.status_code == 200
    assert json.loads(response.content) == generated_schema()
