import atexit

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrionCoreConfig(AppConfig):
    """The module framework. Loads system checks and receivers, and starts every module."""

    name = "orion_core"
    verbose_name = _("Orion core")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from orion_core import receivers
        from orion_core.modules import checks  # noqa: F401 - registers the system checks

        post_migrate.connect(receivers.after_migrate, sender=self)
        receivers.start_modules()
        atexit.register(receivers.stop_modules)
