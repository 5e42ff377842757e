"""Fixtures of the messaging tests: two shops on the ``acme`` platform (tests/conftest.py) with
messaging on, clients by role, staff, and e-mail backends that fail."""

from __future__ import annotations

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.test import Client

from modules.tenancy.factories import MembershipFactory, VendorFactory
from orion_core.testing import StaffUserFactory, UserFactory, override_module

HOST = "acme.test"
PORTAL = "/vendor/shop-a/messaging/"
API = "/api/v1/vendor/shop-a/messaging/"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def messaging_on(platform):
    with override_module(platform, "messaging"):
        yield platform


@pytest.fixture
def shop(messaging_on):
    return VendorFactory(code="shop-a", name="Shop A", platforms=[messaging_on])


@pytest.fixture
def other_shop(messaging_on):
    return VendorFactory(code="shop-b", name="Shop B", platforms=[messaging_on])


def member(vendor, role: str, **user):
    made = UserFactory(**user)
    MembershipFactory(user=made, vendor=vendor, role=role)
    return made


def logged_in(user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    client.user = user
    return client


@pytest.fixture
def client_of(shop):
    """``client_of("viewer")``: a client logged in as a member of ``shop`` with that role."""

    def make(role: str, vendor=None, **user) -> Client:
        return logged_in(member(vendor or shop, role, **user))

    return make


@pytest.fixture
def owner(client_of):
    return client_of("owner")


@pytest.fixture
def staff(messaging_on):
    return logged_in(StaffUserFactory())


class FailingBackend(BaseEmailBackend):
    """Every send fails, as an unreachable mail server does."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        raise ConnectionRefusedError("mail server down")


class FlakyBackend(BaseEmailBackend):
    """Fails the first ``failures`` sends, then delivers to ``mail.outbox``."""

    failures = 2
    calls = 0

    def send_messages(self, email_messages):
        from django.core import mail

        type(self).calls += 1
        if type(self).calls <= type(self).failures:
            raise TimeoutError("mail server slow")
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def failing_mail(settings):
    FailingBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.modules.messaging.conftest.FailingBackend"
    return FailingBackend


@pytest.fixture
def flaky_mail(settings):
    FlakyBackend.calls = 0
    settings.EMAIL_BACKEND = "tests.modules.messaging.conftest.FlakyBackend"
    return FlakyBackend
