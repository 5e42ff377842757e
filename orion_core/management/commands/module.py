"""``manage.py module``: the operator's tool for Orion modules.

    module list [--platform P]                 module show CODE
    module enable CODE (--platform P | --all-platforms) [--dry-run]
    module disable CODE (--platform P | --all-platforms) [--dry-run] [--prune]
    module why CODE --platform P               module graph [--format text|dot|mermaid]
    module config get CODE --platform P        module config set CODE --platform P KEY=VALUE...
    module check                               module sync-schedule
    module purge CODE --platform P [--yes]     module startmodule CODE [--directory DIR]

Every subcommand that prints data takes ``--json``. The subcommands live in
``orion_core/management/module_cli/``; all of them go through the public service API.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from orion_core.exceptions import OrionError
from orion_core.management.module_cli import changes, inspect, ops, startmodule
from orion_core.management.module_cli.base import Cli
from orion_core.modules.checks import ORION_TAG

Handler = Callable[[Cli], None]

HANDLERS: dict[str, Handler] = {
    "list": inspect.handle_list,
    "show": inspect.handle_show,
    "why": inspect.handle_why,
    "graph": inspect.handle_graph,
    "enable": changes.handle_change,
    "disable": changes.handle_change,
    "config get": changes.handle_config_get,
    "config set": changes.handle_config_set,
    "purge": changes.handle_purge,
    "check": ops.handle_check,
    "sync-schedule": ops.handle_sync_schedule,
    "startmodule": startmodule.handle_startmodule,
}
# Subcommands that change state refuse to run on a broken declaration (cycles, unknown
# requirements...). The database check (stored configs) is left out so `config set` can fix it.
WRITES = {"enable", "disable", "config set", "purge"}


class _ModuleParser(CommandParser):
    """Lets KEY=VALUE pairs of ``config set`` follow ``--platform P``.

    argparse (before 3.12) matches a ``nargs="*"`` positional once, together with the module
    code, so pairs written after an option would be "unrecognized"; they are collected here
    (and checked by ``config set`` itself).
    """

    def parse_args(self, args: Any = None, namespace: Any = None) -> Any:
        namespace, extras = self.parse_known_args(args, namespace)
        if (
            extras
            and getattr(namespace, "config_action", None) == "set"
            and not any(extra.startswith("-") for extra in extras)
        ):
            namespace.assignments = [*namespace.assignments, *extras]
            extras = []
        if extras:
            self.error(f"unrecognized arguments: {' '.join(extras)}")
        return namespace


class Command(BaseCommand):
    help = "Inspect, switch, configure and create Orion modules (see docs/modules.md)."
    # `module check` must be able to report a broken declaration rather than be stopped by it.
    requires_system_checks: list[str] = []
    stealth_options = ("stdin",)

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        parser = super().create_parser(prog_name, subcommand, **kwargs)
        parser.__class__ = _ModuleParser
        return parser

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, metavar="SUBCOMMAND")

        p = sub.add_parser("list", help="Every installed module (and its state on a platform).")
        p.add_argument("--platform", help="Also show on/off and why on this platform (code).")
        _json(p)

        p = sub.add_parser("show", help="Everything about one module.")
        _code(p)
        _json(p)

        for action in ("enable", "disable"):
            p = sub.add_parser(action, help=f"{action.title()} a module (with its cascade).")
            _code(p)
            where = p.add_mutually_exclusive_group(required=True)
            where.add_argument("--platform", help="Platform code.")
            where.add_argument(
                "--all-platforms", action="store_true", help="Every platform, one at a time."
            )
            p.add_argument("--dry-run", action="store_true", help="Print the plan; change nothing.")
            if action == "disable":
                p.add_argument(
                    "--prune",
                    action="store_true",
                    help="Also disable requirements nothing else needs any more.",
                )
            _user(p)
            _json(p)

        p = sub.add_parser("why", help="Why a module is on or off on a platform, and its history.")
        _code(p)
        _platform(p)
        _json(p)

        config = sub.add_parser("config", help="Read or change a module's config on a platform.")
        config_sub = config.add_subparsers(dest="config_action", required=True, metavar="ACTION")
        p = config_sub.add_parser("get", help="The effective config (secrets masked).")
        _code(p)
        _platform(p)
        _json(p)
        p = config_sub.add_parser("set", help="Validate and store settings.")
        _code(p)
        _platform(p)
        p.add_argument(
            "assignments",
            nargs="*",
            metavar="KEY=VALUE",
            help="VALUE is read as JSON when it is valid JSON (42, true, null), else as text.",
        )
        p.add_argument(
            "--json",
            nargs="?",
            const=True,
            default=False,
            metavar="OBJECT",
            help="Settings as a JSON object; --json alone only asks for JSON output.",
        )
        _user(p)

        p = sub.add_parser("graph", help="The dependency graph of the installed modules.")
        p.add_argument("--format", choices=("text", "dot", "mermaid"), default="text")
        _json(p)

        p = sub.add_parser("check", help="Run the orion system checks, including stored configs.")
        _json(p)

        p = sub.add_parser("sync-schedule", help="Write scheduled tasks into django-celery-beat.")
        _json(p)

        p = sub.add_parser("purge", help="Destroy a disabled module's data on a platform.")
        _code(p)
        _platform(p)
        p.add_argument("--yes", action="store_true", help="Do not ask for confirmation.")
        _user(p)
        _json(p)

        p = sub.add_parser("startmodule", help="Create a new module app from the template.")
        p.add_argument("code", help="The module code: app label and package name, e.g. giftcards.")
        p.add_argument("--directory", help="Where the app goes (default: the project's modules/).")
        p.add_argument(
            "--tests-directory",
            help="Where its tests go (default: tests/modules/ next to the app directory).",
        )
        _json(p)

    def handle(self, *args: Any, **options: Any) -> None:
        name = options["subcommand"]
        if name == "config":
            name = f"config {options['config_action']}"
        if name in WRITES and not options.get("skip_checks", False):
            self.check(tags=[ORION_TAG])
        cli = Cli(stdout=self.stdout, stderr=self.stderr, style=self.style, options=options)
        try:
            HANDLERS[name](cli)
        except OrionError as exc:  # unknown module/platform, refused change, invalid config
            raise CommandError(str(exc)) from exc


def _code(parser: CommandParser) -> None:
    parser.add_argument("code", help="Module code (the app label), e.g. billing.")


def _platform(parser: CommandParser) -> None:
    parser.add_argument("--platform", required=True, help="Platform code.")


def _user(parser: CommandParser) -> None:
    parser.add_argument("--user", help="Username recorded as the actor in the audit history.")


def _json(parser: CommandParser) -> None:
    parser.add_argument("--json", action="store_true", help="Machine-readable output.")
