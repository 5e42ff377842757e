"""Replayed HTTP for the payment providers: only the transport is replaced, so the providers'
own client code (the stripe SDK, our requests session for PayPal) runs for real.

A recording is a JSON file under ``recordings/<provider>/``: the request expected (``method``,
``path``) and the response given (``status``, ``body``; optional ``headers``). Each transport
answers the recordings it was given in order, checks that each request is the one expected,
and keeps every request it saw for the test to inspect. A request beyond the recordings fails
the test: nothing ever reaches the network.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import stripe
from requests.adapters import BaseAdapter

RECORDINGS = Path(__file__).parent / "recordings"


def recording(provider: str, name: str, **values: Any) -> dict[str, Any]:
    """A recording, with ``{placeholders}`` of its text filled from ``values``."""
    text = (RECORDINGS / provider / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return json.loads(text)


def event_body(provider: str, name: str, **values: Any) -> bytes:
    """A webhook event's raw body, exactly as the provider would post it."""
    text = (RECORDINGS / provider / f"{name}.json").read_text()
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return json.dumps(json.loads(text), separators=(",", ":")).encode()


def stripe_signature(body: bytes, secret: str, timestamp: int | None = None) -> str:
    """The ``Stripe-Signature`` header Stripe sends with ``body`` (its documented scheme)."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    signed = f"{timestamp}.{body.decode()}".encode()
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


class Seen:
    """One request a transport received."""

    def __init__(self, method: str, url: str, headers: dict[str, str], body: Any) -> None:
        self.method, self.url, self.headers, self.body = method, url, headers, body

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def form(self) -> dict[str, list[str]]:
        """A form-encoded body (Stripe's), parsed."""
        raw = self.body.decode() if isinstance(self.body, bytes) else (self.body or "")
        return parse_qs(raw)

    @property
    def json(self) -> Any:
        raw = self.body.decode() if isinstance(self.body, bytes) else (self.body or "null")
        return json.loads(raw)


class ReplayStripe(stripe.HTTPClient):
    """The stripe SDK's transport, answering from recordings."""

    name = "replay"

    def __init__(self, *recordings: dict[str, Any]) -> None:
        super().__init__()
        self.queue = list(recordings)
        self.seen: list[Seen] = []

    def request(self, method, url, headers, post_data=None, *, _usage=None):  # type: ignore[no-untyped-def]
        self.seen.append(Seen(method, url, dict(headers or {}), post_data))
        assert self.queue, f"unexpected request to Stripe: {method.upper()} {url}"
        expected = self.queue.pop(0)
        assert (method, urlsplit(url).path) == (expected["method"], expected["path"]), (
            f"Stripe was asked {method} {url}, the recording answers "
            f"{expected['method']} {expected['path']}"
        )
        headers = {"Request-Id": "req_replay", **expected.get("headers", {})}
        return json.dumps(expected["body"]).encode(), expected["status"], headers

    def request_stream(self, *args: Any, **kwargs: Any) -> Any:
        raise AssertionError("Orion never streams from Stripe")

    def close(self) -> None:
        return None


class ReplayAdapter(BaseAdapter):
    """A requests transport adapter answering from recordings (mounted on a session for
    ``https://``, it replaces the network and nothing else)."""

    def __init__(self, *recordings: dict[str, Any]) -> None:
        super().__init__()
        self.queue = list(recordings)
        self.seen: list[Seen] = []

    def send(self, request, stream=False, timeout=None, verify=True, cert=None, proxies=None):  # type: ignore[no-untyped-def]  # noqa: ARG002
        self.seen.append(Seen(request.method, request.url, dict(request.headers), request.body))
        assert self.queue, f"unexpected request: {request.method} {request.url}"
        expected = self.queue.pop(0)
        path = urlsplit(request.url).path
        assert (request.method.lower(), path) == (expected["method"], expected["path"]), (
            f"asked {request.method} {request.url}, the recording answers "
            f"{expected['method']} {expected['path']}"
        )
        response = requests.Response()
        response.status_code = expected["status"]
        response.headers.update({"Content-Type": "application/json", **expected.get("headers", {})})
        response._content = json.dumps(expected.get("body")).encode()
        response.url = request.url
        response.request = request
        response.encoding = "utf-8"
        return response

    def close(self) -> None:
        return None
