"""The staff dashboard's home: access, the platform switcher, the summary, widgets and metrics."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from modules.core.views import dashboard
from orion_core.models import ModuleAuditEntry
from orion_core.providers import Metric, Widget
from orion_core.services import ModuleService

HOST = "acme.test"


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client(HTTP_HOST=HOST)
    client.force_login(staff_user)
    client.user = staff_user
    return client


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["core:dashboard", "core:modules", "core:module-history", "core:switch-platform"]
)
def test_anonymous_is_sent_to_login(platform, name):
    response = Client(HTTP_HOST=HOST).get(reverse(name))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("core:dashboard"),
        reverse("core:modules"),
        reverse("core:module-history"),
        reverse("core:module-enable", args=["billing"]),
        reverse("core:module-disable", args=["billing"]),
        reverse("core:module-config", args=["billing"]),
    ],
)
def test_non_staff_is_sent_to_login_and_changes_nothing(platform, user, url):
    client = Client(HTTP_HOST=HOST)
    client.force_login(user)
    assert client.get(url).status_code == 302
    assert client.post(url, {"payment_terms_days": "30"}).status_code == 302
    assert not ModuleService().is_enabled(platform, "billing")
    assert not ModuleAuditEntry.objects.filter(source="dashboard").exists()


@pytest.mark.django_db
def test_home_summarises_the_platform(staff_client, platform, other_platform):
    ModuleService().enable(platform, "billing", source="test")
    response = staff_client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert response.context["dashboard_platform"] == platform
    assert response.context["enabled_count"] == len(ModuleService().records(platform))
    assert "billing" in response.context["optional_enabled"]
    assert "payments" in response.context["optional_enabled"]
    # Latest audit entries, and the switcher lists every platform.
    assert [e.module_code for e in response.context["latest_entries"]][:2] == [
        "billing",
        "payments",
    ]
    assert 'value="acme" selected' in html
    assert 'value="globex"' in html


@pytest.mark.django_db
def test_a_module_change_shows_at_once_on_a_warm_dashboard(
    staff_client, platform, django_capture_on_commit_callbacks
):
    service = ModuleService()
    service.enable(platform, "billing", source="test")
    for _ in range(3):  # kept whole by now, its latest changes read from the cache
        assert "config changed" not in staff_client.get(reverse("core:dashboard")).text
    # A config change bumps neither the platforms' states nor the pages' modules, only its own
    # scopes: the audit's among them.
    with django_capture_on_commit_callbacks(execute=True):
        service.set_config(
            platform, "billing", {"payment_terms_days": 45}, user=staff_client.user, source="test"
        )
    latest = staff_client.get(reverse("core:dashboard")).text.split("Latest module changes")[1]
    assert "config changed" in latest and staff_client.user.username in latest


@pytest.mark.django_db
def test_default_platform_is_the_hosts(platform, other_platform, staff_user):
    client = Client(HTTP_HOST="globex.test")
    client.force_login(staff_user)
    response = client.get(reverse("core:dashboard"))
    assert response.context["dashboard_platform"] == other_platform


@pytest.mark.django_db
def test_switching_platform_is_a_post_kept_in_the_session(staff_client, platform, other_platform):
    chooser = staff_client.get(reverse("core:switch-platform"))  # a page to choose from
    assert chooser.status_code == 200 and 'value="globex"' in chooser.content.decode()
    assert dashboard.SESSION_KEY not in staff_client.session  # GET changes nothing
    response = staff_client.post(
        reverse("core:switch-platform"),
        {"platform": "globex", "next": reverse("core:modules")},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("core:modules")
    assert staff_client.session[dashboard.SESSION_KEY] == "globex"
    response = staff_client.get(reverse("core:dashboard"))
    assert response.context["dashboard_platform"] == other_platform
    assert "Globex" in response.content.decode()


@pytest.mark.django_db
def test_switching_to_an_unknown_platform_keeps_the_choice(staff_client, platform):
    response = staff_client.post(reverse("core:switch-platform"), {"platform": "nope"}, follow=True)
    assert "Unknown platform" in response.content.decode()
    assert dashboard.SESSION_KEY not in staff_client.session
    assert response.context["dashboard_platform"] == platform


@pytest.mark.django_db
def test_switch_never_redirects_off_site(staff_client, platform):
    response = staff_client.post(
        reverse("core:switch-platform"), {"platform": "acme", "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:dashboard")


@pytest.mark.django_db
def test_a_deleted_platform_in_the_session_falls_back(
    staff_client, platform, other_platform, django_capture_on_commit_callbacks
):
    staff_client.post(reverse("core:switch-platform"), {"platform": "globex"})
    with django_capture_on_commit_callbacks(execute=True):  # the cached platform list goes stale
        other_platform.delete()
    response = staff_client.get(reverse("core:dashboard"))
    assert response.context["dashboard_platform"] == platform


@pytest.mark.django_db
def test_widgets_and_metrics_of_the_chosen_platform(staff_client, platform, monkeypatch):
    seen = {}

    def widgets(chosen, user, enabled, **kwargs):
        seen["widgets"] = chosen
        return [
            Widget("ok", "Fine widget", "core/modules/_entries.html", {"entries": []}),
            Widget("broken", "Broken widget", "core/does-not-exist.html", {}),
        ]

    def metrics(chosen, enabled, **kwargs):
        seen["metrics"] = chosen
        return [Metric("orders.today", "Orders today", 12, module="orders")]

    monkeypatch.setattr(dashboard, "collect_widgets", widgets)
    monkeypatch.setattr(dashboard, "collect_metrics", metrics)
    response = staff_client.get(reverse("core:dashboard"))
    html = response.content.decode()
    assert response.status_code == 200
    assert seen == {"widgets": platform, "metrics": platform}
    assert "Fine widget" in html
    assert "Broken widget" not in html  # a widget that fails to render is left out
    assert "Orders today" in html


@pytest.mark.django_db
def test_pages_have_csrf_and_no_inline_script(staff_client, platform):
    for name in ("core:dashboard", "core:modules", "core:module-history"):
        html = staff_client.get(reverse(name)).content.decode()
        assert "csrfmiddlewaretoken" in html  # the platform switcher
        assert "<script" not in html


@pytest.mark.django_db
def test_dashboard_is_reachable_from_a_host_that_is_no_platforms(platform, staff_user, settings):
    """Production has no default platform: staff on an admin host still get the dashboard,
    which manages the platform chosen in the switcher (the first one here)."""
    settings.ORION_DEFAULT_PLATFORM = ""
    client = Client(HTTP_HOST="ops.example.test")
    client.force_login(staff_user)
    response = client.get(reverse("core:dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard_platform"] == platform


@pytest.mark.django_db
def test_sidebar_leads_to_the_core_pages_and_keeps_mandatory_items(staff_client, platform):
    from orion_core.models import PlatformMenuConfig

    PlatformMenuConfig.objects.create(
        platform=platform, frontend="admin", hidden_items=["core:dashboard", "core:history"]
    )
    html = staff_client.get(reverse("core:dashboard")).content.decode()
    assert f'href="{reverse("core:modules")}"' in html
    assert f'href="{reverse("core:dashboard")}" class="active"' in html  # mandatory: not hidden
    assert f'href="{reverse("core:module-history")}"' not in html.split("<main")[0]
