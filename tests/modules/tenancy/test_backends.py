"""The user of a session read from the shared cache (``modules.tenancy.backends``): no query
when warm, and every change of the user seen on the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from modules.tenancy.backends import CachedUserBackend
from orion_core.testing import StaffUserFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_warm_user_costs_no_query():
    user = UserFactory(username="olivia", first_name="Olivia")
    backend = CachedUserBackend()
    assert backend.get_user(user.pk) == user
    with CaptureQueriesContext(connection) as queries:
        found = backend.get_user(user.pk)
    assert len(queries) == 0
    assert (found.pk, found.username, found.first_name) == (user.pk, "olivia", "Olivia")
    assert found.check_password("correct horse battery staple")


def test_a_saved_change_is_seen_at_once(django_capture_on_commit_callbacks):
    user = UserFactory(username="olivia")
    backend = CachedUserBackend()
    backend.get_user(user.pk)
    with django_capture_on_commit_callbacks(execute=True):
        user.first_name = "Renamed"
        user.save()
    assert backend.get_user(user.pk).first_name == "Renamed"
    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()
    assert backend.get_user(user.pk) is None  # inactive users are not logged in


def test_a_deleted_user_is_gone_at_once(django_capture_on_commit_callbacks):
    user = UserFactory()
    pk = user.pk
    backend = CachedUserBackend()
    backend.get_user(pk)
    with django_capture_on_commit_callbacks(execute=True):
        user.delete()
    assert backend.get_user(pk) is None
    assert backend.get_user(10**9) is None  # never was


def test_a_lost_staff_flag_closes_the_dashboard_on_the_next_request(
    django_capture_on_commit_callbacks,
):
    staff = StaffUserFactory()
    client = Client()
    client.force_login(staff)
    assert client.get("/dashboard/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        staff.is_staff = False
        staff.save()
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "login" in response["Location"]
