"""Browser tests: Playwright's sync API driving the system Chromium against ``live_server``.

Playwright's sync API keeps an asyncio loop running in the main thread while it is alive, so
Django refuses ORM calls there unless ``DJANGO_ALLOW_ASYNC_UNSAFE`` is set. It is set only
around tests marked ``browser`` (setup, call and teardown, where the live server's
transactional database is flushed), and the browser tests run after every other test of the
session so the still-running loop never reaches a test that does not expect it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from orion_core.testing import PlatformFactory

ASYNC_UNSAFE = "DJANGO_ALLOW_ASYNC_UNSAFE"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def _is_browser_test(item: pytest.Item) -> bool:
    return item.get_closest_marker("browser") is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_is_browser_test)  # stable: browser tests last, the rest in their order


class _AsyncUnsafe:
    """Set DJANGO_ALLOW_ASYNC_UNSAFE; the outermost exit puts the previous value back.

    Nested: the teardown hook below holds it while the autouse fixture's own exit runs.
    """

    depth = 0
    previous: str | None = None

    def __enter__(self) -> None:
        if _AsyncUnsafe.depth == 0:
            _AsyncUnsafe.previous = os.environ.get(ASYNC_UNSAFE)
            os.environ[ASYNC_UNSAFE] = "true"
        _AsyncUnsafe.depth += 1

    def __exit__(self, *exc_info: object) -> None:
        _AsyncUnsafe.depth -= 1
        if _AsyncUnsafe.depth:
            return
        if _AsyncUnsafe.previous is None:
            os.environ.pop(ASYNC_UNSAFE, None)
        else:
            os.environ[ASYNC_UNSAFE] = _AsyncUnsafe.previous


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> Any:
    # The fixture below is torn down before pytest-django flushes the live server's database.
    if not _is_browser_test(item):
        return (yield)
    with _AsyncUnsafe():
        return (yield)


@pytest.fixture(autouse=True)
def _allow_async_unsafe_for_browser_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    if not _is_browser_test(request.node):
        yield
        return
    with _AsyncUnsafe():
        yield


@pytest.fixture(scope="session")
def _playwright_session() -> Iterator[dict[str, Any]]:
    """Playwright and its Chromium, started by the first browser test, stopped at the end."""
    started: dict[str, Any] = {}
    yield started
    if "browser" in started:
        started["browser"].close()
        started["playwright"].stop()


@pytest.fixture
def browser(chromium_path: str, _playwright_session: dict[str, Any]) -> Any:
    """One Chromium for the whole session (``chromium_path`` skips, or fails in CI, without it)."""
    if "browser" not in _playwright_session:
        from playwright.sync_api import sync_playwright

        playwright = sync_playwright().start()
        _playwright_session["playwright"] = playwright
        _playwright_session["browser"] = playwright.chromium.launch(
            executable_path=chromium_path, args=CHROMIUM_ARGS
        )
    return _playwright_session["browser"]


@pytest.fixture
def localhost_platform(transactional_db: None) -> Any:
    """live_server answers on localhost: a platform on that domain, with billing on."""
    return PlatformFactory(code="acme", name="Acme", domains=["localhost"], modules=["billing"])


@pytest.fixture
def new_page(browser: Any, live_server: Any) -> Iterator[Callable[[], Any]]:
    """Open a page in a fresh browser context (its own cookies: another person) on the live
    server; every context is closed after the test."""
    contexts: list[Any] = []

    def open_page() -> Any:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1360, "height": 900}
        )
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def fast_password_hasher(settings: Any) -> None:
    """The production hasher costs ~100 ms a password; the live server shares these settings."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def staff_page(new_page: Callable[[], Any], live_server: Any, client: Any, staff_user: Any) -> Any:
    """A page logged in as staff: the session of ``client.force_login`` copied into the browser."""
    from django.conf import settings

    client.force_login(staff_user)
    page = new_page()
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return page
