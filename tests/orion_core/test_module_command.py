"""``manage.py module``: every subcommand's output, --json, exit behaviour and error lines."""

from __future__ import annotations

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_celery_beat.models import PeriodicTask

from orion_core.models import ModuleAuditEntry, PlatformModule
from orion_core.modules.registry import get_registry
from orion_core.services import ModuleService
from orion_core.testing import PlatformFactory

pytestmark = pytest.mark.django_db

CORE = {"core", "tenancy", "cms", "customers"}


def run(*args: str, stdin: StringIO | None = None) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    extra = {"stdin": stdin} if stdin is not None else {}
    call_command("module", *args, stdout=out, stderr=err, **extra)
    return out.getvalue(), err.getvalue()


def run_json(*args: str) -> dict:
    out, _ = run(*args, "--json")
    return json.loads(out)


def fails(*args: str, stdin: StringIO | None = None) -> str:
    with pytest.raises(CommandError) as info:
        run(*args, stdin=stdin)
    return str(info.value)


def snapshot() -> tuple[list, int]:
    rows = list(
        PlatformModule.objects.order_by("platform_id", "module_code").values_list(
            "platform_id",
            "module_code",
            "is_enabled",
            "enabled_explicitly",
            "required_by",
            "config",
        )
    )
    return rows, ModuleAuditEntry.objects.count()


def enabled(platform) -> set[str]:
    return set(
        PlatformModule.objects.filter(platform=platform, is_enabled=True).values_list(
            "module_code", flat=True
        )
    )


# --- list -----------------------------------------------------------------------------------------


def test_list_shows_every_module_with_tier_version_and_requires():
    out, _ = run("list")
    lines = out.splitlines()
    assert lines[0].split() == ["CODE", "TIER", "VERSION", "REQUIRES"]
    rows = {line.split()[0]: line for line in lines[1:]}
    assert set(rows) == set(get_registry().codes())
    assert rows["billing"].split()[1:] == ["optional", "1.0.0", "payments"]
    assert rows["marketplace"].split()[3:] == ["inventory,", "catalog"]
    assert rows["dev_tools"].split()[1] == "internal"
    # core first, then optional, then internal
    tiers = [line.split()[1] for line in lines[1:]]
    assert tiers == sorted(tiers, key=["core", "optional", "internal"].index)


def test_list_with_platform_shows_state_and_cause(platform):
    ModuleService().enable(platform, "billing")
    out, _ = run("list", "--platform", "acme")
    total = len(get_registry())
    assert out.splitlines()[0] == f"Modules on acme (Acme): 6 of {total} enabled"
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert rows["billing"][-2:] == ["on", "explicit"]
    assert rows["payments"][-4:] == ["on", "required", "by", "billing"]
    assert rows["core"][-2:] == ["on", "core"]
    assert rows["orders"][-2:] == ["off", "-"]


def test_list_json(platform):
    ModuleService().enable(platform, "billing")
    data = run_json("list", "--platform", "acme")
    assert data["platform"] == "acme"
    by_code = {m["code"]: m for m in data["modules"]}
    assert by_code["payments"] == {
        "code": "payments",
        "name": "Payments",
        "tier": "optional",
        "version": "1.0.0",
        "requires": [],
        "enabled": True,
        "cause": "required by billing",
    }
    assert by_code["orders"]["enabled"] is False
    assert run_json("list")["platform"] is None
    assert "enabled" not in run_json("list")["modules"][0]


# --- show -----------------------------------------------------------------------------------------


def test_show_prints_the_whole_definition():
    out, _ = run("show", "payments")
    assert out.startswith("payments: Payments\n")
    assert "tier:        optional" in out
    assert "dependents:  billing, orders" in out
    assert "features:    payment_processing, refunds" in out
    assert "payments.refund  Refund payments" in out
    config_rows = {
        line.split()[0]: line.split() for line in out.splitlines() if line.startswith("  ")
    }
    assert config_rows["provider"] == ["provider", "choice", '"manual"', "no", "no"]
    assert config_rows["api_key"] == ["api_key", "char", "-", "no", "yes"]


def test_show_transitive_requirements_and_tasks():
    out, _ = run("show", "marketplace")
    assert "requires:    inventory, catalog" in out
    assert "(all):       catalog, inventory" in out
    monitoring = run_json("show", "monitoring")
    assert monitoring["scheduled_tasks"], "monitoring declares a scheduled task"
    out, _ = run("show", "monitoring")
    assert monitoring["scheduled_tasks"][0]["name"] in out


def test_show_json():
    data = run_json("show", "billing")
    assert data["requires"] == ["payments"]
    assert data["requires_transitive"] == ["payments"]
    assert data["dependents"] == sorted(get_registry().dependents("billing", transitive=False))
    assert data["permissions"][0] == {
        "code": "billing.view",
        "label": "View invoices and subscriptions",
        "description": "",
    }
    fields = {f["name"]: f for f in data["config"]}
    assert fields["payment_terms_days"]["default"] == 14
    assert fields["payment_terms_days"]["type"] == "integer"
    assert fields["tax_rate_percent"]["default"] == "20.00"
    assert not any(f["secret"] for f in fields.values())
    assert run_json("show", "catalog")["dependents_transitive"] == sorted(
        get_registry().dependents("catalog")
    )


def test_show_unknown_module_is_one_line():
    message = fails("show", "nope")
    assert message.startswith("Unknown module 'nope'.")
    assert "\n" not in message


# --- enable / disable -----------------------------------------------------------------------------


def test_enable_prints_the_plan_and_records_cli_as_source(platform, staff_user):
    out, _ = run("enable", "billing", "--platform", "acme", "--user", staff_user.username)
    assert out.splitlines() == [
        "Done: enable billing on acme",
        "  - enable payments (required by billing)",
        "  - enable billing (explicit); starts tasks: run-invoices, advance-subscriptions",
    ]
    assert {"billing", "payments"} <= enabled(platform)
    entry = ModuleAuditEntry.objects.filter(platform=platform, module_code="billing").get()
    assert (entry.source, entry.actor, entry.cause) == ("cli", staff_user, "explicit")


def test_enable_dry_run_writes_nothing(platform):
    before = snapshot()
    out, _ = run("enable", "orders", "--platform", "acme", "--dry-run")
    assert out.splitlines()[0] == "Plan: enable orders on acme"
    assert "  - enable catalog (required by orders)" in out
    assert snapshot() == before


def test_disable_dry_run_writes_nothing_and_json_plan(platform):
    ModuleService().enable(platform, "billing")
    before = snapshot()
    data = run_json("disable", "payments", "--platform", "acme", "--dry-run")
    assert data["dry_run"] is True
    assert [(s["code"], s["cause"]) for s in data["steps"]] == [
        ("billing", "dependent of payments"),
        ("payments", "explicit"),
    ]
    assert data["has_changes"] is True
    assert snapshot() == before


def test_disable_cascades_and_suggests_prune(platform):
    ModuleService().enable(platform, "billing")
    out, _ = run("disable", "billing", "--platform", "acme")
    assert "  - disable billing (explicit)" in out
    assert "no longer needed by anything: payments (disable them too with --prune)" in out
    assert "payments" in enabled(platform)
    ModuleService().enable(platform, "billing")
    out, _ = run("disable", "billing", "--platform", "acme", "--prune")
    assert "  - disable payments (no longer needed)" in out
    assert not {"billing", "payments"} & enabled(platform)


def test_refused_core_disable_leaves_state_unchanged(platform):
    before = snapshot()
    message = fails("disable", "tenancy", "--platform", "acme")
    assert message == "'tenancy' is a core module and cannot be disabled."
    assert snapshot() == before
    assert fails("disable", "core", "--all-platforms").startswith("'core' is a core module")
    assert snapshot() == before


def test_unknown_module_and_platform_change_nothing(platform):
    before = snapshot()
    assert fails("enable", "nope", "--platform", "acme").startswith("Unknown module 'nope'.")
    assert fails("enable", "billing", "--platform", "nowhere") == "Unknown platform 'nowhere'."
    assert (
        fails("enable", "billing", "--platform", "acme", "--user", "ghost")
        == "Unknown user 'ghost'."
    )
    assert snapshot() == before


def test_enable_needs_a_platform_or_all_platforms(platform):
    with pytest.raises(CommandError, match="one of the arguments --platform --all-platforms"):
        run("enable", "billing")
    with pytest.raises(CommandError, match="not allowed with argument"):
        run("enable", "billing", "--platform", "acme", "--all-platforms")


def test_all_platforms_shows_progress(platform, other_platform):
    out, _ = run("enable", "analytics", "--all-platforms")
    lines = out.splitlines()
    assert lines[0] == "[1/2] acme: Done: enable analytics on acme"
    assert "[2/2] globex: Done: enable analytics on globex" in lines
    assert lines[-1] == "Done: enable analytics on 2 platform(s)."
    assert "analytics" in enabled(platform) and "analytics" in enabled(other_platform)


def test_all_platforms_keeps_going_and_fails_at_the_end(platform, other_platform, monkeypatch):
    """A platform whose change fails is reported; the others still change; exit is non-zero."""
    real_enable = ModuleService.enable

    def enable(self, target, code, **kwargs):
        if target.code == "acme":
            raise RuntimeError("database on fire")
        return real_enable(self, target, code, **kwargs)

    monkeypatch.setattr(ModuleService, "enable", enable)
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command("module", "enable", "billing", "--all-platforms", stdout=out, stderr=err)
    assert str(info.value) == "enable billing failed on 1 of 2 platforms: acme."
    assert "[1/2] acme: FAILED: RuntimeError: database on fire" in err.getvalue()
    assert "[2/2] globex: Done: enable billing on globex" in out.getvalue()
    assert "billing" not in enabled(platform)
    assert "billing" in enabled(other_platform)


def test_all_platforms_required_config_missing_is_a_failure(platform, other_platform):
    """Modules refused by the service (ModuleConfigError) count as failed platforms."""
    out, err = StringIO(), StringIO()
    ModuleService().set_config(other_platform, "payments", {"provider": "stripe", "api_key": "k"})
    with pytest.raises(CommandError):
        # an unknown module is refused before any platform is touched
        call_command("module", "enable", "nope", "--all-platforms", stdout=out, stderr=err)
    assert out.getvalue() == ""


def test_all_platforms_json(platform, other_platform):
    before = snapshot()
    data = run_json("disable", "analytics", "--all-platforms", "--dry-run")
    assert data["failed"] == []
    assert [(r["platform"], r["ok"]) for r in data["results"]] == [("acme", True), ("globex", True)]
    assert data["results"][0]["plan"]["notes"] == ["analytics is already disabled."]
    assert snapshot() == before


# --- why ------------------------------------------------------------------------------------------


def test_why_explains_a_requirement(platform, staff_user):
    run("enable", "billing", "--platform", "acme", "--user", staff_user.username)
    out, _ = run("why", "payments", "--platform", "acme")
    lines = out.splitlines()
    assert lines[0] == "payments on acme: enabled (required by billing)"
    assert f"by {staff_user.username} via cli" in lines[1]
    assert "  needed by enabled modules: billing" in lines
    assert "History (newest first):" in lines


def test_why_json_and_disabled(platform, staff_user):
    run("enable", "orders", "--platform", "acme", "--user", staff_user.username)
    data = run_json("why", "catalog", "--platform", "acme")
    assert data["enabled"] is True
    assert data["cause"] == "required by orders"
    assert data["enabled_by"] == staff_user.username
    assert data["needed_by"] == ["orders"]
    assert data["history"][0]["action"] == "enabled"
    run("disable", "orders", "--platform", "acme")
    data = run_json("why", "orders", "--platform", "acme")
    assert data["enabled"] is False
    assert [h["action"] for h in data["history"]] == ["disabled", "enabled"]
    out, _ = run("why", "messaging", "--platform", "acme")
    assert out.splitlines()[0] == "messaging on acme: disabled (never enabled)"
    out, _ = run("why", "core", "--platform", "acme")
    assert out.splitlines()[0] == "core on acme: enabled (core)"
    assert "needed by enabled modules: cms, customers, tenancy" in out


def test_why_unknown_platform():
    assert fails("why", "billing", "--platform", "nowhere") == "Unknown platform 'nowhere'."


# --- config ---------------------------------------------------------------------------------------


def test_config_get_masks_secrets(platform):
    ModuleService().set_config(platform, "payments", {"provider": "stripe", "api_key": "sk_live_1"})
    out, _ = run("config", "get", "payments", "--platform", "acme")
    assert 'provider              = "stripe"' in out
    assert "api_key               = ********" in out
    assert "sk_live_1" not in out
    data = run_json("config", "get", "payments", "--platform", "acme")
    assert data["config"]["api_key"] == "********"
    assert data["config"]["capture_automatically"] is True


def test_config_set_parses_json_values(platform):
    out, _ = run(
        "config",
        "set",
        "billing",
        "--platform",
        "acme",
        "payment_terms_days=30",
        "invoice_prefix=AC-",
    )
    assert "Saved billing config on acme: invoice_prefix, payment_terms_days." in out
    config = ModuleService().get_config(platform, "billing")
    assert config["payment_terms_days"] == 30
    assert config["invoice_prefix"] == "AC-"
    entry = ModuleAuditEntry.objects.get(platform=platform, action="config_changed")
    assert entry.source == "cli"
    out, _ = run("config", "set", "billing", "--platform", "acme", "payment_terms_days=30")
    assert "No change to billing config on acme." in out


def test_config_set_from_json_object_with_secret(platform, staff_user):
    data = json.loads(
        run(
            "config",
            "set",
            "payments",
            "--platform",
            "acme",
            "--user",
            staff_user.username,
            "--json",
            '{"provider": "stripe", "api_key": "sk_test", "capture_automatically": false}',
        )[0]
    )
    assert data["config"]["api_key"] == "********"
    assert data["config"]["capture_automatically"] is False
    assert data["changed"] == ["api_key", "capture_automatically", "provider"]
    assert (
        ModuleService().get_config(platform, "payments", reveal_secrets=True)["api_key"]
        == "sk_test"
    )
    out, _ = run("config", "set", "payments", "--platform", "acme", "currency=USD", "--json")
    assert json.loads(out)["config"]["currency"] == "USD"


def test_invalid_config_prints_field_errors_and_stores_nothing(platform):
    ModuleService().set_config(platform, "billing", {"payment_terms_days": 10})
    before = snapshot()
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as info:
        call_command(
            "module", "config", "set", "billing", "--platform", "acme",
            "payment_terms_days=999", "invoice_prefix=bad prefix", "colour=red",
            stdout=out, stderr=err,
        )  # fmt: skip
    message = str(info.value)
    assert message.startswith("Invalid config for module 'billing' on acme")
    assert message.endswith("nothing was saved.")
    assert "\n" not in message
    assert "colour: Unknown setting." in err.getvalue()
    assert snapshot() == before
    with pytest.raises(CommandError):
        run("config", "set", "billing", "--platform", "acme", "payment_terms_days=999")
    assert snapshot() == before
    assert ModuleService().get_config(platform, "billing")["payment_terms_days"] == 10


def test_invalid_config_field_errors_json(platform):
    out = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "module", "config", "set", "billing", "--platform", "acme", "payment_terms_days=-1",
            "--json", stdout=out, stderr=StringIO(),
        )  # fmt: skip
    assert list(json.loads(out.getvalue())["errors"]) == ["payment_terms_days"]


def test_config_set_argument_errors(platform):
    assert fails("config", "set", "billing", "--platform", "acme").startswith("Nothing to set")
    assert fails("config", "set", "billing", "--platform", "acme", "novalue") == (
        "Expected KEY=VALUE, got 'novalue'."
    )
    assert fails("config", "set", "billing", "--platform", "acme", "--json", "[1]") == (
        "--json must be a JSON object of settings."
    )
    assert fails("config", "set", "billing", "--platform", "acme", "--json", "{oops").startswith(
        "--json is not valid JSON"
    )
    assert fails("config", "get", "nope", "--platform", "acme").startswith("Unknown module 'nope'.")


def test_key_value_parsing():
    from orion_core.management.module_cli.changes import parse_assignments

    assert parse_assignments(["a=1", "b=true", "c=null", "d=hello", "e=", "f=1.5", "g=a=b"]) == {
        "a": 1,
        "b": True,
        "c": None,
        "d": "hello",
        "e": "",
        "f": 1.5,
        "g": "a=b",
    }


# --- graph ----------------------------------------------------------------------------------------


def test_graph_text():
    out, _ = run("graph")
    lines = {line.split()[0]: line for line in out.splitlines()}
    assert lines["orders"].endswith("[optional] -> payments, catalog")
    assert lines["core"].split() == ["core", "[core]"]


def test_graph_dot_and_mermaid():
    dot, _ = run("graph", "--format", "dot")
    assert dot.startswith("digraph modules {")
    assert '  "billing" -> "payments";' in dot
    assert dot.rstrip().endswith("}")
    mermaid, _ = run("graph", "--format", "mermaid")
    assert mermaid.startswith("graph LR")
    assert "  marketplace --> inventory" in mermaid


def test_graph_json():
    data = run_json("graph")
    assert {"from": "billing", "to": "payments"} in data["edges"]
    assert {"code": "dev_tools", "tier": "internal"} in data["nodes"]


# --- check ----------------------------------------------------------------------------------------


def test_check_passes_on_the_installed_modules():
    out, _ = run("check")
    assert out.strip() == f"Module checks passed: {len(get_registry())} modules, no issues."
    assert run_json("check") == {"ok": True, "messages": []}


def test_check_reports_a_stored_config_that_no_longer_validates(platform):
    # Simulate a module upgrade that made old config invalid: the stored row predates the rule.
    record, _ = PlatformModule.objects.get_or_create(platform=platform, module_code="billing")
    PlatformModule.objects.filter(pk=record.pk).update(config={"payment_terms_days": 9999})
    out, _ = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"Module checks found 1 error\(s\)\."):
        call_command("module", "check", stdout=out, stderr=StringIO())
    assert "orion.E007 ERROR acme:billing: Stored config of module 'billing'" in out.getvalue()
    assert (
        "HINT: Fix it with: manage.py module config set billing --platform acme" in out.getvalue()
    )
    out = StringIO()
    with pytest.raises(CommandError):
        call_command("module", "check", "--json", stdout=out, stderr=StringIO())
    data = json.loads(out.getvalue())
    assert data["ok"] is False
    assert data["messages"][0]["id"] == "orion.E007"
    assert data["messages"][0]["level"] == "ERROR"


# --- sync-schedule --------------------------------------------------------------------------------


def test_sync_schedule_reports_and_is_idempotent():
    PeriodicTask.objects.filter(name__startswith="orion:").delete()
    declared = [t for d in get_registry() for t in d.scheduled_tasks]
    out, _ = run("sync-schedule")
    assert f"{len(declared)} created, 0 updated, 0 disabled, 0 unchanged." in out
    assert all("  created: orion:" in line for line in out.splitlines()[:-1])
    data = run_json("sync-schedule")
    assert data["created"] == [] and data["changed"] is False
    assert len(data["unchanged"]) == len(declared)


def test_sync_schedule_disables_stale_entries():
    PeriodicTask.objects.create(name="orion:gone:task", task="x.y", interval=_interval())
    data = run_json("sync-schedule")
    assert data["disabled"] == ["orion:gone:task"]
    assert not PeriodicTask.objects.get(name="orion:gone:task").enabled


def _interval():
    from django_celery_beat.models import IntervalSchedule

    return IntervalSchedule.objects.create(every=60, period=IntervalSchedule.SECONDS)


# --- purge ----------------------------------------------------------------------------------------


@pytest.fixture
def configured_billing(platform):
    service = ModuleService()
    service.enable(platform, "billing", config={"payment_terms_days": 30})
    service.disable(platform, "billing")
    return platform


def billing_config(platform) -> dict:
    return PlatformModule.objects.get(platform=platform, module_code="billing").config


def test_purge_asks_for_the_module_code(configured_billing):
    out, _ = run("purge", "billing", "--platform", "acme", stdin=StringIO("billing\n"))
    assert "Type the module code (billing) to confirm:" in out
    assert "Purged the data and config of billing on acme." in out
    assert billing_config(configured_billing) == {}
    entry = ModuleAuditEntry.objects.filter(platform=configured_billing, action="purged").get()
    assert entry.source == "cli"


def test_purge_with_patched_input(configured_billing, monkeypatch):
    answers = []
    monkeypatch.setattr("builtins.input", lambda prompt: answers.append(prompt) or "billing")
    run("purge", "billing", "--platform", "acme")
    assert answers == ["Type the module code (billing) to confirm: "]
    assert billing_config(configured_billing) == {}


def test_purge_wrong_confirmation_changes_nothing(configured_billing, monkeypatch):
    before = snapshot()
    message = fails("purge", "billing", "--platform", "acme", stdin=StringIO("payments\n"))
    assert message == "Purge cancelled: the confirmation did not match; nothing was changed."

    def no_input(prompt):
        raise EOFError

    monkeypatch.setattr("builtins.input", no_input)
    assert fails("purge", "billing", "--platform", "acme").startswith(
        "Purge cancelled (no confirmation"
    )
    assert snapshot() == before


def test_purge_yes_skips_the_question_and_json(configured_billing, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    data = run_json("purge", "billing", "--platform", "acme", "--yes")
    assert data == {"module": "billing", "platform": "acme", "purged": True}


def test_purge_refuses_an_enabled_or_core_module(platform, monkeypatch):
    monkeypatch.setattr("builtins.input", lambda prompt: pytest.fail("asked"))
    ModuleService().enable(platform, "billing", config={"payment_terms_days": 30})
    before = snapshot()
    assert fails("purge", "billing", "--platform", "acme", "--yes") == (
        "Disable 'billing' on acme before purging its data."
    )
    assert fails("purge", "billing", "--platform", "acme") == (
        "Disable 'billing' on acme before purging its data."
    )
    assert fails("purge", "cms", "--platform", "acme", "--yes") == (
        "'cms' is a core module; its data cannot be purged."
    )
    assert snapshot() == before


# --- parsing --------------------------------------------------------------------------------------


def test_a_subcommand_is_required():
    with pytest.raises(CommandError, match="SUBCOMMAND"):
        run()


def test_state_read_after_a_change_goes_through_the_cache(
    platform, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run("enable", "analytics", "--platform", "acme")
    assert ModuleService().is_enabled(platform, "analytics")
    with django_capture_on_commit_callbacks(execute=True):
        run("disable", "analytics", "--platform", "acme")
    assert not ModuleService().is_enabled(platform, "analytics")


def test_factory_platform_with_modules_is_listed():
    PlatformFactory(code="shop", modules=["marketplace"])
    data = run_json("list", "--platform", "shop")
    on = {m["code"] for m in data["modules"] if m["enabled"]}
    assert on == CORE | {"marketplace", "inventory", "catalog"}
