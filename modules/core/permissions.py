"""What a staff user needs to change things on the dashboard and through the admin API.

Every staff user may read module state, history and menus. Changing them takes a Django
permission, granted in the admin through a group (docs/roles.md): superusers hold them all.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, IsAdminUser

CHANGE_MODULES = "orion_core.change_platformmodule"
CHANGE_MENUS = "orion_core.change_platformmenuconfig"


class ChangePermissionMixin:
    """A staff page whose writes (POST) need ``change_permission``; reading needs only staff."""

    change_permission: str = ""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if request.method not in SAFE_METHODS and not request.user.has_perm(self.change_permission):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


class IsStaffAllowedToChangeModules(IsAdminUser):
    """Staff read; staff with ``orion_core.change_platformmodule`` write."""

    message = _("You do not have permission to change modules.")

    def has_permission(self, request: Any, view: Any) -> bool:
        if not super().has_permission(request, view):
            return False
        return request.method in SAFE_METHODS or request.user.has_perm(CHANGE_MODULES)
