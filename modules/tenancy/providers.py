"""What tenancy tells the rest of Orion: who may enter a vendor's portal or storefront (the
tenant-guard contract) and which permissions the user of a vendor request holds."""

from __future__ import annotations

from typing import Any

from modules.tenancy.resolution import VendorGuard, granted
from orion_core.modules.definition import FrontendType


class VendorPermissionsProvider:
    """``orion_core.permissions`` asks this: on the VENDOR frontend, once a vendor view has
    resolved ``request.vendor``, the permissions of the user's role there; else no say."""

    def get_permissions(self, request: Any) -> set[str] | None:
        if getattr(request, "frontend", None) != FrontendType.VENDOR:
            return None
        if getattr(request, "vendor", None) is None:
            return None
        return set(granted(request))


permissions_provider = VendorPermissionsProvider()


tenant_guard_provider = VendorGuard()
