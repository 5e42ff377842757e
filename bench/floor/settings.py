"""A bare Django project: one view rendering a 20-item template loop, no middleware, no database.

What every Orion page is measured against in bench/pages.py, served by the same gunicorn
settings in the same run.
"""

from pathlib import Path

DEBUG = False
SECRET_KEY = "bench-floor-only"  # noqa: S105 - never deployed
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "bench.floor.urls"
INSTALLED_APPS: list[str] = []
MIDDLEWARE: list[str] = []
DATABASES: dict = {}
USE_TZ = True
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [Path(__file__).resolve().parent / "templates"],
    }
]
