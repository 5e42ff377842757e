"""The login backend: Django's ``ModelBackend``, reading the user of a session from the shared
cache.

Every logged-in request loads its user (``AuthenticationMiddleware``), which was the one query
left on a warm portal or dashboard request. The user's row is read through
``orion_core.shared_cache`` under a scope of its own (``user_scope``), bumped on commit of every
save or delete of that user (``modules.tenancy.cache``): a password change, a deactivation or a
lost staff flag takes effect on the next request in every process, exactly as before, and Django
still checks the session against the password hash it finds. Passwords are checked
(``authenticate``) and permissions read as ``ModelBackend`` does, from the database.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import backends, get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import DEFAULT_DB_ALIAS

from orion_core import shared_cache


def user_scope(user_id: Any) -> str:
    return f"user:{user_id}"


class CachedUserBackend(backends.ModelBackend):
    def get_user(self, user_id: Any) -> AbstractBaseUser | None:
        user_model = get_user_model()
        fields = tuple(f.attname for f in user_model._meta.concrete_fields)

        def load() -> tuple[Any, ...] | None:
            user = user_model._default_manager.filter(pk=user_id).first()
            return None if user is None else tuple(getattr(user, name) for name in fields)

        values = shared_cache.get_or_load(
            f"orion:tenancy:user:{user_id}", load, scope=user_scope(user_id)
        )
        if values is None:
            return None
        user = user_model.from_db(DEFAULT_DB_ALIAS, fields, values)
        return user if self.user_can_authenticate(user) else None
