"""Two owners demoting or removing each other at the same moment on PostgreSQL: the owners'
row locks serialise the changes, so the team always keeps an owner and nobody deadlocks."""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django_scopes import scopes_disabled

from modules.tenancy import services
from modules.tenancy.factories import MembershipFactory, VendorFactory
from modules.tenancy.models import Membership
from orion_core.testing import StaffUserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROUNDS = 5


def race(first, second):
    outcomes: list[str] = []
    barrier = threading.Barrier(2)

    def worker(change):
        try:
            barrier.wait(timeout=30)
            change()
            outcomes.append("done")
        except services.TeamError as error:
            outcomes.append(error.code)
        except BaseException as error:  # noqa: BLE001 - reported by the test
            outcomes.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(c,)) for c in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(outcomes)


@pytest.mark.parametrize("actors", ["each other", "staff"])
@pytest.mark.parametrize("how", ["demote", "remove"])
def test_two_owners_cannot_both_step_away(postgres, how, actors):
    for round_ in range(ROUNDS):
        vendor = VendorFactory(code=f"race{how}{round_}")
        a = MembershipFactory(vendor=vendor, role=Membership.Role.OWNER)
        b = MembershipFactory(vendor=vendor, role=Membership.Role.OWNER)

        def change(target, actor):
            if how == "demote":
                return lambda: services.change_role(target, Membership.Role.VIEWER, actor=actor)
            return lambda: services.remove_member(target, actor=actor)

        if actors == "staff":  # two staff users (acting as owners) take both owners away
            first, second = StaffUserFactory(), StaffUserFactory()
            outcomes = race(change(a, first), change(b, second))
            assert outcomes == ["done", "last_owner"], outcomes
        else:  # each owner takes the other away: the second is no longer an owner by then
            outcomes = race(change(b, a.user), change(a, b.user))
            assert outcomes in (["done", "last_owner"], ["done", "member_above_you"]), outcomes
        with scopes_disabled():
            owners = Membership.objects.filter(
                vendor=vendor, role=Membership.Role.OWNER, status=Membership.Status.ACTIVE
            )
            assert owners.count() == 1
