"""The tenant context: into Celery tasks (eager and as a worker receives it) and log records."""

from __future__ import annotations

import logging

import pytest
from celery import shared_task
from django_scopes import get_scope

from modules.tenancy import context, signals
from modules.tenancy.factories import InvitationFactory
from modules.tenancy.models import Invitation
from modules.tenancy.scoping import vendor_scope

pytestmark = pytest.mark.django_db


@shared_task(name="tests.tenancy.scoped_emails")
def scoped_emails() -> dict:
    """What a task sees: its tenant context and the invitations its scope lets it read."""
    ctx = context.current()
    return {
        "vendor": ctx.vendor_code,
        "platform": ctx.platform_code,
        "emails": sorted(Invitation.objects.values_list("email", flat=True)),
    }


def test_an_eager_task_runs_in_the_vendor_scope_of_its_caller(platform, vendor, other_vendor):
    InvitationFactory(vendor=vendor, email="a@alpha.example")
    InvitationFactory(vendor=other_vendor, email="b@beta.example")
    with context.tenant_context(platform, vendor):
        # No vendor_scope here: the task gets the scope from the context, not the caller's.
        result = scoped_emails.delay().get()
    assert result == {"vendor": "alpha", "platform": "acme", "emails": ["a@alpha.example"]}
    assert context.current() is context.EMPTY, "reset after the task"
    assert "vendor" not in get_scope()
    assert not signals._active


def test_a_task_received_with_headers_restores_that_tenant(platform, vendor, other_vendor):
    InvitationFactory(vendor=other_vendor, email="b@beta.example")
    with context.tenant_context(platform, other_vendor):
        headers: dict = {}
        signals.add_tenant_headers(headers=headers)
    assert headers == {
        "orion_platform": {"id": platform.pk, "code": "acme"},
        "orion_vendor": {"id": other_vendor.pk, "code": "beta"},
    }
    # As a worker runs it: another process, only the message headers carry the tenant.
    result = scoped_emails.apply(headers=headers).get()
    assert result == {"vendor": "beta", "platform": "acme", "emails": ["b@beta.example"]}
    assert context.current() is context.EMPTY and "vendor" not in get_scope()


def test_publishing_outside_a_tenant_adds_nothing():
    headers: dict = {}
    signals.add_tenant_headers(headers=headers)
    assert headers == {}


def test_a_task_outside_any_tenant_has_no_scope(vendor):
    from django_scopes import ScopeError

    with pytest.raises(ScopeError):
        scoped_emails.delay().get()
    assert not signals._active


def test_log_records_of_a_vendor_view_carry_the_tenant(login, vendor, owner, caplog):
    seen: list[logging.LogRecord] = []

    class Keep(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record)

    handler = Keep()
    handler.addFilter(context.TenantLogFilter())
    logger = logging.getLogger("modules.tenancy.views.vendor")
    logger.addHandler(handler)
    original = logger.level
    logger.setLevel(logging.INFO)
    try:
        from unittest import mock

        from modules.tenancy.views import vendor as views

        real = views.DashboardView.get_context_data

        def logging_get_context_data(self, **kwargs):
            logger.info("dashboard shown")
            return real(self, **kwargs)

        with mock.patch.object(views.DashboardView, "get_context_data", logging_get_context_data):
            assert login(owner).get(f"/vendor/{vendor.code}/").status_code == 200
        logger.info("outside")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(original)
    inside, outside = seen
    assert (inside.platform, inside.vendor) == ("acme", "alpha")
    assert (outside.platform, outside.vendor) == ("-", "-")


def test_the_filter_is_installed_in_logging_settings(settings):
    tenant = settings.LOGGING["filters"]["tenant"]
    assert tenant["()"] == "modules.tenancy.context.TenantLogFilter"
    assert "tenant" in settings.LOGGING["handlers"]["console"]["filters"]
    assert "%(vendor)s" in settings.LOGGING["formatters"]["plain"]["format"]


def test_vendor_scope_and_context_nest_and_reset(platform, vendor, other_vendor):
    with context.tenant_context(platform, vendor), vendor_scope(vendor):
        with context.tenant_context(platform, other_vendor):
            assert context.current().vendor_code == "beta"
        assert context.current().vendor_code == "alpha"
    assert context.current() is context.EMPTY
