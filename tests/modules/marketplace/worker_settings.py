"""Settings of the Celery workers that ``test_worker_resume.py`` starts: the project's, with
feeds read where the test keeps them, batches small enough that an import takes seconds, and
the broker's keys (queues and the unacknowledged messages Redis gives back) under a prefix of
the test's own, so runs of the test in parallel never take or restore each other's tasks."""

import os

from config.settings import *  # noqa: F403

MARKETPLACE_IMPORT_ROOT = os.environ["ORION_TEST_IMPORT_ROOT"]
MARKETPLACE_IMPORT_BATCH_SIZE = int(os.environ["ORION_TEST_IMPORT_BATCH_SIZE"])
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405 - the visibility timeout
    "global_keyprefix": os.environ["ORION_TEST_BROKER_PREFIX"],
}
