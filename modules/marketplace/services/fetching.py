"""Fetching over the web, streamed, with a time limit and a size cap: a feed from its URL into
the job's private file, and (``download``) a product image into memory for the media library.

The body is read in chunks and given up as soon as it exceeds the cap, so a huge answer costs
at most the cap. A server that does not answer within the timeout (per connection and per
read) or that keeps a download going for longer than the timeout in all is given up on. Only
``http`` and ``https`` addresses are fetched. ``MARKETPLACE_FEED_TIMEOUT`` (default 30 s) is
the feed's timeout and the upload limit its cap; a failure fails the job with the reason.

Addresses come from vendors, so nothing is fetched from a private, loopback, link-local or
otherwise reserved network (the cloud's metadata service, the cache, the database's host):
``requests-hardened`` resolves the host, refuses such an address and connects to the very
address it checked, on every redirect too, so a name that resolves differently a moment later
cannot slip through. ``MARKETPLACE_FETCH_PRIVATE_ADDRESSES`` lifts that for installations whose
feeds live on an internal network (and for the tests' loopback servers).
"""

from __future__ import annotations

import pathlib
import tempfile
import time
import urllib.parse
from typing import IO

import requests
from django.conf import settings
from django.core.files import File
from django.utils.translation import gettext as _
from requests_hardened import Config, HTTPSession
from requests_hardened.ip_filter import InvalidIPAddress

from modules.marketplace.models import ImportJob
from modules.marketplace.services.feeds import FeedError

CHUNK = 64 * 1024
SCHEMES = ("http", "https")


class DownloadFailed(Exception):  # noqa: N818 - what happened, said by ``reason``
    """A download gave up: ``reason`` is ``scheme``, ``private`` (the address is on a network
    that is not fetched from), ``status`` (see ``status``), ``too_large``, ``timeout`` or
    ``error``; callers word it for people."""

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason if status is None else f"{reason} {status}")
        self.reason, self.status = reason, status


def stream(url: str, into: IO[bytes], *, max_bytes: int, timeout: float) -> int:
    """Write the body of ``url`` into ``into``; its size, or ``DownloadFailed``."""
    if urllib.parse.urlsplit(url).scheme.lower() not in SCHEMES:
        raise DownloadFailed("scheme")
    deadline = time.monotonic() + timeout
    try:
        with _session() as session, session.get(url, stream=True, timeout=timeout) as response:
            if response.status_code != 200:
                raise DownloadFailed("status", response.status_code)
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise DownloadFailed("too_large")
            size = 0
            for chunk in response.iter_content(CHUNK):
                size += len(chunk)
                if size > max_bytes:
                    raise DownloadFailed("too_large")
                if time.monotonic() > deadline:
                    raise DownloadFailed("timeout")
                into.write(chunk)
    except InvalidIPAddress as exc:
        raise DownloadFailed("private") from exc
    except requests.Timeout as exc:
        raise DownloadFailed("timeout") from exc
    except requests.RequestException as exc:
        raise DownloadFailed("error") from exc
    return size


def _session() -> requests.Session:
    private = bool(getattr(settings, "MARKETPLACE_FETCH_PRIVATE_ADDRESSES", False))
    return HTTPSession(
        Config(
            ip_filter_enable=not private,
            ip_filter_allow_loopback_ips=False,
            never_redirect=False,
            default_timeout=None,
        )
    )


def fetch(job: ImportJob) -> None:
    """Download ``job.feed_url`` into ``job.file``, or raise ``FeedError`` saying why."""
    from modules.marketplace.forms import max_upload

    timeout = float(getattr(settings, "MARKETPLACE_FEED_TIMEOUT", 30))
    name = pathlib.PurePosixPath(urllib.parse.urlsplit(job.feed_url).path).name or "feed"
    if not name.endswith(f".{job.format}"):
        name = f"{name}.{job.format}"
    with tempfile.TemporaryFile() as spool:
        try:
            stream(job.feed_url, spool, max_bytes=max_upload(), timeout=timeout)
        except DownloadFailed as failed:
            raise FeedError(_feed_failure(failed)) from failed
        spool.seek(0)
        job.file.save(name, File(spool, name=name), save=False)
    job.file_name = name[:255]
    ImportJob.objects.filter(pk=job.pk).update(file=job.file.name, file_name=job.file_name)


def _feed_failure(failed: DownloadFailed) -> str:
    if failed.reason == "status":
        return _("The feed answered %(status)s.") % {"status": failed.status}
    if failed.reason == "too_large":
        return _("The feed is larger than the upload limit.")
    if failed.reason == "private":
        return _("The feed's address is on a private or local network, which is not fetched from.")
    if failed.reason == "timeout":
        return _("The feed did not answer in time.")
    return _("The feed could not be fetched.")
