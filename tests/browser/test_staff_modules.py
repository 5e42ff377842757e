"""Staff manage a platform's modules in a real browser: disable and enable billing through the
plan confirmation, then fix an invalid setting in its config form."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from orion_core.services import ModuleService

SCREENSHOT = "/tmp/orion-staff-modules.png"

pytestmark = pytest.mark.browser


def state_of(page, code: str):
    return page.locator(f"#module-{code} [data-state]")


def test_staff_disable_enable_and_configure_billing(localhost_platform, staff_page):
    page = staff_page
    page.goto("/dashboard/modules/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Modules of Acme")
    expect(state_of(page, "billing")).to_have_text("on")
    expect(state_of(page, "payments")).to_have_text("on")
    page.screenshot(path=SCREENSHOT, full_page=True)

    # Disable billing: the confirmation page shows the plan; prune payments with it.
    page.locator("#module-billing").get_by_role("link", name="Disable").click()
    plan = page.locator("#plan")
    expect(plan.locator('tr[data-module="billing"]')).to_contain_text("explicit")
    expect(page.get_by_text("Disable them too: payments")).to_be_visible()
    page.locator("#id_prune").check()
    page.locator("#confirm").click()
    expect(page.locator(".message.success")).to_contain_text("Disabled on Acme: billing, payments")
    expect(state_of(page, "billing")).to_have_text("off")
    expect(state_of(page, "payments")).to_have_text("off")

    # Enable it again: payments comes back as its requirement.
    page.locator("#module-billing").get_by_role("link", name="Enable").click()
    expect(page.locator('#plan tr[data-module="payments"]')).to_contain_text("required by billing")
    expect(page.locator('#plan tr[data-module="billing"]')).to_be_visible()
    page.screenshot(path="/tmp/orion-staff-plan.png", full_page=True)
    page.locator("#confirm").click()
    expect(page.locator(".message.success")).to_contain_text("Enabled on Acme: payments, billing")
    expect(state_of(page, "billing")).to_have_text("on")
    expect(state_of(page, "payments")).to_have_text("on")

    # The config form: an invalid value is refused next to its field, then fixed.
    page.locator("#module-billing").get_by_role("link", name="Settings").click()
    terms = page.locator("#id_payment_terms_days")
    expect(terms).to_have_value("14")
    terms.fill("999")
    page.locator("#save").click()
    expect(page.locator("#errors-payment_terms_days")).to_contain_text("less than or equal to 365")
    expect(terms).to_have_value("999")
    page.screenshot(path="/tmp/orion-staff-config.png", full_page=True)
    assert ModuleService().get_config(localhost_platform, "billing")["payment_terms_days"] == 14
    terms.fill("30")
    page.locator("#save").click()
    expect(page.locator(".message.success")).to_contain_text("Settings of Billing saved")
    expect(page.locator("#errors-payment_terms_days")).to_have_count(0)
    expect(terms).to_have_value("30")
    assert ModuleService().get_config(localhost_platform, "billing")["payment_terms_days"] == 30

    # The history shows the whole story, by this staff member, from the dashboard.
    page.goto("/dashboard/modules/history/?module=billing")
    expect(page.locator("table.history tbody tr")).to_have_count(
        4
    )  # enabled by the factory, then disabled, enabled, configured
    expect(page.locator("table.history")).to_contain_text("(dashboard)")
