"""The Celery application.

Configuration comes from Django settings under the ``CELERY_`` namespace; every installed app's
``tasks.py`` is autodiscovered, so a module's tasks register by being installed.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("orion")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
