"""``manage.py seed_demo``: the demo platforms and staff user, plus each module's demo data.

Idempotent: run it as often as you like (``make run`` does, every time).
"""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.db import transaction

from orion_core import state
from orion_core.models import Platform, PlatformDomain
from orion_core.modules import ModuleConfig
from orion_core.services import ModuleService

DEMO_PLATFORMS = {
    "oms": {
        "name": "Orion Order Management",
        "domains": ["localhost", "127.0.0.1", "oms.localhost"],
        "modules": ["orders", "inventory", "billing", "analytics", "dev_tools", "monitoring"],
    },
    "loyalty": {
        "name": "Orion Loyalty",
        "domains": ["loyalty.localhost"],
        "modules": ["catalog", "inventory", "marketplace", "messaging", "analytics"],
    },
}
DEMO_STAFF = {"username": "staff", "password": "orion-staff", "email": "staff@example.com"}


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo platforms, their modules and a staff user."

    def handle(self, *args: Any, **options: Any) -> None:
        service = ModuleService()
        platforms = {}
        with transaction.atomic():
            for code, spec in DEMO_PLATFORMS.items():
                platform, _ = Platform.objects.get_or_create(
                    code=code, defaults={"name": spec["name"]}
                )
                for index, domain in enumerate(spec["domains"]):
                    PlatformDomain.objects.get_or_create(
                        domain=domain, defaults={"platform": platform, "is_primary": index == 0}
                    )
                for module in spec["modules"]:
                    if module in service.registry and not service.is_enabled(platform, module):
                        service.enable(platform, module, source="seed")
                platforms[code] = platform
            # The seeds below ask which modules are on, in this same transaction: the cached
            # states must not answer from before the enables (they are dropped on commit only).
            state.invalidate()
            self._staff_user()
            # Core modules first (every other module may build on their vendors and customers,
            # without requiring them), then by dependency order: a module's seed may build on
            # what its requirements seeded (inventory stocks the catalog's variants).
            notes: list[str] = []
            for code in service.registry.tier_order():
                config = apps.get_app_config(service.registry.get(code).app_label)
                if isinstance(config, ModuleConfig):
                    notes.extend(config.seed_demo(platforms) or ())
        for code, platform in platforms.items():
            enabled = ", ".join(sorted(service.enabled_codes(platform)))
            domains = ", ".join(DEMO_PLATFORMS[code]["domains"])
            self.stdout.write(f"{code}: {platform.name} on {domains}\n  modules: {enabled}")
        for note in notes:
            self.stdout.write(note)
        self.stdout.write(
            self.style.SUCCESS(
                f"Staff login: {DEMO_STAFF['username']} / {DEMO_STAFF['password']} at /admin/"
                " and /dashboard/"
            )
        )

    def _staff_user(self) -> None:
        user, created = get_user_model().objects.get_or_create(
            username=DEMO_STAFF["username"],
            defaults={"email": DEMO_STAFF["email"], "is_staff": True, "is_superuser": True},
        )
        if created:
            user.set_password(DEMO_STAFF["password"])
            user.save()
