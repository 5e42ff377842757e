"""Give every existing platform an enabled row for each core module.

New platforms get them when created (``ModuleService.ensure_core``); this covers platforms that
existed before. It reads the module registry, which is complete when migrations run.
"""

from django.db import migrations
from django.utils import timezone


def enable_core_modules(apps, schema_editor):
    from orion_core.modules.registry import get_core_module_codes

    Platform = apps.get_model("orion_core", "Platform")
    PlatformModule = apps.get_model("orion_core", "PlatformModule")
    ModuleAuditEntry = apps.get_model("orion_core", "ModuleAuditEntry")
    now = timezone.now()
    for platform in Platform.objects.all():
        enabled = set(
            PlatformModule.objects.filter(platform=platform, is_enabled=True).values_list(
                "module_code", flat=True
            )
        )
        for code in get_core_module_codes():
            if code in enabled:
                continue
            PlatformModule.objects.update_or_create(
                platform=platform,
                module_code=code,
                defaults={"is_enabled": True, "enabled_at": now},
            )
            ModuleAuditEntry.objects.create(
                platform=platform, module_code=code, action="enabled", cause="core", source="migration"
            )


class Migration(migrations.Migration):
    dependencies = [("orion_core", "0001_initial")]

    operations = [migrations.RunPython(enable_core_modules, migrations.RunPython.noop)]
