"""The subcommands of ``manage.py module``, one small file per group.

``orion_core/management/commands/module.py`` builds the parser and dispatches here. Every
subcommand goes through the public service API (``ModuleService``, the registry,
``sync_schedule``, the system checks); none writes to the ORM directly.
"""
