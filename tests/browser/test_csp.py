"""Every frontend renders under the Content Security Policy in a real browser: no console
message about a refused script or style, and no ``securitypolicyviolation`` event.

(It lives with the other browser tests for their fixtures; the rest of the security tests are in
tests/security/.)
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect

from modules.tenancy.factories import VendorFactory
from orion_core.testing import PlatformFactory

pytestmark = pytest.mark.browser

# Runs before any page script: records every violation the page reports.
RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.__cspViolations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sourceFile}`);
});
"""
CSP_WORDS = ("Content Security Policy", "Refused to")


@pytest.fixture
def shop(transactional_db: None) -> Any:
    """live_server answers on localhost: a platform there, and a shop on it."""
    platform = PlatformFactory(code="acme", name="Acme", domains=["localhost"])
    return VendorFactory(
        code="shop-a", name="Shop A", platforms=[platform], theme={"primary": "#112233"}
    )


class Watched:
    """A page whose console messages, page errors and CSP violations are all kept."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.console: list[str] = []
        page.add_init_script(RECORDER)
        page.on("console", lambda message: self.console.append(message.text))
        page.on("pageerror", lambda error: self.console.append(f"page error: {error}"))

    def visit(self, path: str) -> Any:
        response = self.page.goto(path)
        assert response is not None and response.status == 200, path
        assert "Content-Security-Policy" in {name.title() for name in response.headers}
        self.page.wait_for_load_state("load")
        return self.page

    def problems(self) -> list[str]:
        violations = self.page.evaluate("window.__cspViolations")
        refused = [text for text in self.console if any(word in text for word in CSP_WORDS)]
        errors = [text for text in self.console if text.startswith("page error:")]
        return [*violations, *refused, *errors]


@pytest.fixture
def anonymous(browser: Any, live_server: Any) -> Iterator[Watched]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1360, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield Watched(page)
    context.close()


def test_staff_pages_render_under_the_policy(shop, staff_page):
    watched = Watched(staff_page)

    page = watched.visit("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    page = watched.visit("/dashboard/modules/")
    expect(page.locator("#module-billing")).to_be_visible()
    page = watched.visit(f"/vendor/{shop.code}/")
    expect(page.locator("body.vendor-portal")).to_be_visible()
    page = watched.visit("/admin/")
    expect(page.locator("#site-name")).to_be_visible()
    page = watched.visit("/api/docs/")
    # Swagger UI really ran: its start-up script loaded the schema and listed operations.
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert page.locator(".swagger-ui .opblock").count() > 5
    page.screenshot(path="/tmp/orion-csp-swagger.png")

    assert watched.problems() == []
    assert_the_recorder_works(watched)


def test_public_pages_render_under_the_policy(shop, anonymous):
    page = anonymous.visit("/")
    expect(page.locator("body")).to_contain_text("Acme")
    page = anonymous.visit(f"/shop/{shop.code}/")
    expect(page.locator(".shop-name")).to_have_text("Shop A")
    # The theme comes from the shop's stylesheet, not an inline style, and it is applied.
    expect(page.locator(".shop-header")).to_have_css("background-color", "rgb(17, 34, 51)")
    page = anonymous.visit(f"/shop/{shop.code}/account/signup/")
    expect(page.locator("form input[name=email]")).to_be_visible()
    page.screenshot(path="/tmp/orion-csp-signup.png")

    assert anonymous.problems() == []
    assert_the_recorder_works(anonymous)


def assert_the_recorder_works(watched: Watched) -> None:
    """An inline style added now must be refused and reported, or a green test means nothing."""
    watched.page.evaluate(
        """() => {
          const style = document.createElement("style");
          style.textContent = "body { outline: 1px solid red; }";
          document.head.appendChild(style);
        }"""
    )
    watched.page.wait_for_function("window.__cspViolations.length > 0")
    assert any("style-src" in violation for violation in watched.problems())
