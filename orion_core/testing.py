"""Test helpers for module authors (ARCHITECTURE.md §10).

``override_module`` switches a module on or off for one platform for the duration of a block or
a test, through the real ``ModuleService`` (so requirements cascade as in production), and puts
every module row of the platform back afterwards. Factories build platforms with a given set of
modules. Needs factory-boy (a test dependency).
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import Callable, Mapping
from typing import Any

import factory
from django.conf import settings
from django.db import transaction

from orion_core import state
from orion_core.models import Platform, PlatformDomain, PlatformModule
from orion_core.services import ModuleService

_RESTORED_FIELDS = (
    "is_enabled",
    "enabled_explicitly",
    "required_by",
    "enabled_at",
    "enabled_by",
    "disabled_at",
    "disabled_by",
    "config",
)


class override_module(contextlib.ContextDecorator):  # noqa: N801 - reads like override_settings
    """Enable (with ``config``) or disable ``code`` on ``platform`` inside the block.

    >>> with override_module(platform, "billing", enabled=True, config={"payment_terms_days": 30}):
    ...     ...
    """

    def __init__(
        self,
        platform: Platform,
        code: str,
        *,
        enabled: bool = True,
        config: Mapping[str, Any] | None = None,
    ) -> None:
        self.platform, self.code, self.enabled, self.config = platform, code, enabled, config
        self._snapshot: dict[str, dict[str, Any]] = {}

    def __enter__(self) -> override_module:
        self._snapshot = {
            pm.module_code: {f: getattr(pm, f) for f in _RESTORED_FIELDS}
            for pm in PlatformModule.objects.filter(platform=self.platform)
        }
        service = ModuleService()
        if self.enabled:
            service.enable(self.platform, self.code, config=self.config, source="test")
        else:
            if self.config:
                service.set_config(self.platform, self.code, self.config, source="test")
            service.disable(self.platform, self.code, source="test")
        state.invalidate()  # on_commit never fires inside a test's transaction
        return self

    def __exit__(self, *exc_info: object) -> None:
        with transaction.atomic():
            current = {
                pm.module_code: pm for pm in PlatformModule.objects.filter(platform=self.platform)
            }
            for code, record in current.items():
                if code not in self._snapshot:
                    record.delete()
                    continue
                for name, value in self._snapshot[code].items():
                    setattr(record, name, value)
                record.save()
        state.invalidate()


def with_modules(*codes: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorate a test taking a ``platform`` argument so those modules are enabled on it."""

    def decorator(test: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(test)
        def wrapper(*args: Any, platform: Platform, **kwargs: Any) -> Any:
            with contextlib.ExitStack() as stack:
                for code in codes:
                    stack.enter_context(override_module(platform, code, enabled=True))
                return test(*args, platform=platform, **kwargs)

        return wrapper

    return decorator


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class StaffUserFactory(UserFactory):
    """A staff user; ``permissions=["app_label.codename", …]`` grants Django permissions."""

    class Meta:
        skip_postgeneration_save = True

    is_staff = True

    @factory.post_generation
    def permissions(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if not create or not extracted:
            return
        from django.contrib.auth.models import Permission

        for name in extracted:
            app_label, codename = name.split(".", 1)
            self.user_permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class PlatformFactory(factory.django.DjangoModelFactory):
    """A platform; creating one enables its core modules, as in production."""

    class Meta:
        model = Platform
        django_get_or_create = ("code",)
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"platform{n}")
    name = factory.LazyAttribute(lambda p: p.code.title())

    @factory.post_generation
    def domains(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        if create:
            for index, domain in enumerate(
                extracted if extracted is not None else [f"{self.code}.test"]
            ):
                PlatformDomain.objects.get_or_create(
                    domain=domain, defaults={"platform": self, "is_primary": index == 0}
                )

    @factory.post_generation
    def modules(self, create: bool, extracted: list[str] | None, **kwargs: Any) -> None:
        """``PlatformFactory(modules=["billing"])`` enables billing (and payments) on it."""
        if create and extracted:
            service = ModuleService()
            for code in extracted:
                service.enable(self, code, source="test")
            state.invalidate()


class PlatformDomainFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PlatformDomain

    platform = factory.SubFactory(PlatformFactory)
    domain = factory.Sequence(lambda n: f"host{n}.test")


def platform_with_modules(*codes: str, **kwargs: Any) -> Platform:
    """A new platform with core modules plus ``codes`` (and their requirements) enabled."""
    return PlatformFactory(modules=list(codes), **kwargs)
