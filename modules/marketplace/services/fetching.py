"""Fetching a feed from its URL into the job's private file, streamed, with a time limit.

The body is written to storage in chunks (memory flat in its size) and capped at the upload
limit; a feed that does not answer within ``MARKETPLACE_FEED_TIMEOUT`` seconds (default 30,
per connection and per read), answers an error, or is too large fails the job with the reason.
"""

from __future__ import annotations

import pathlib
import tempfile
import urllib.parse

import requests
from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _

from modules.marketplace.models import ImportJob
from modules.marketplace.services.feeds import FeedError

CHUNK = 64 * 1024


def fetch(job: ImportJob) -> None:
    """Download ``job.feed_url`` into ``job.file``, or raise ``FeedError`` saying why."""
    from modules.marketplace.forms import max_upload

    timeout = float(getattr(settings, "MARKETPLACE_FEED_TIMEOUT", 30))
    name = pathlib.PurePosixPath(urllib.parse.urlsplit(job.feed_url).path).name or "feed"
    if not name.endswith(f".{job.format}"):
        name = f"{name}.{job.format}"
    try:
        with (
            requests.get(job.feed_url, stream=True, timeout=timeout) as response,
            tempfile.TemporaryFile() as spool,
        ):
            if response.status_code != 200:
                raise FeedError(
                    _("The feed answered %(status)s.") % {"status": response.status_code}
                )
            size = 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_upload():
                    raise FeedError(_("The feed is larger than the upload limit."))
                spool.write(chunk)
            spool.seek(0)
            job.file.save(name, File(spool, name=name), save=False)
    except requests.Timeout as exc:
        raise FeedError(_("The feed did not answer in time.")) from exc
    except requests.RequestException as exc:
        raise FeedError(_("The feed could not be fetched.")) from exc
    job.file_name = name[:255]
    ImportJob.objects.filter(pk=job.pk).update(file=job.file.name, file_name=job.file_name)
