"""Settings of the Celery worker that ``test_worker.py`` starts: the project's, with e-mails
written to files (a directory the test chooses) instead of an SMTP server."""

import os

from config.settings import *  # noqa: F403

EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["ORION_TEST_MAIL_DIR"]
