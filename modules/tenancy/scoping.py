"""The one mechanism that keys vendor-owned queries to the resolved vendor.

Vendor-scoped models use ``ScopedManager(vendor="vendor")``. Inside ``vendor_scope(vendor)``
their querysets are filtered to that vendor; outside any scope they raise ``ScopeError``. The
deliberate bypass for staff pages, the admin and tasks is django-scopes' ``scopes_disabled()``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django_scopes import scope, scopes_disabled

if TYPE_CHECKING:
    from modules.tenancy.models import Vendor

__all__ = ["scopes_disabled", "vendor_scope"]


@contextlib.contextmanager
def vendor_scope(vendor: Vendor) -> Iterator[Vendor]:
    """Scope vendor-owned queries to ``vendor``. Refuses None: django-scopes would read a None
    scope as "no filter", the opposite of failing closed."""
    if vendor is None or vendor.pk is None:
        raise ValueError("vendor_scope needs a saved vendor.")
    with scope(vendor=vendor.pk):
        yield vendor
