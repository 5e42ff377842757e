"""``manage.py check --deploy`` is clean with production values, and they secure the cookies."""

from __future__ import annotations

import ast
import os
import secrets
import subprocess
import sys

from django.conf import settings

PRODUCTION = {
    "DEBUG": "false",
    "SECRET_KEY": secrets.token_urlsafe(50),
    "ALLOWED_HOSTS": "orion.example.com",
}


def run(code: list[str], **extra: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **PRODUCTION, **extra}
    return subprocess.run(  # noqa: S603 - our own interpreter and manage.py
        [sys.executable, *code],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_check_deploy_is_clean_with_production_values():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"])
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_secure_the_cookies_and_headers():
    names = [
        "SESSION_COOKIE_SECURE",
        "CSRF_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "SECURE_CONTENT_TYPE_NOSNIFF",
        "SECURE_SSL_REDIRECT",
        "X_FRAME_OPTIONS",
        "SECURE_REFERRER_POLICY",
        "SECURE_PROXY_SSL_HEADER",
    ]
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.conf import settings;"
        f"print([getattr(settings, n) for n in {names!r}])"
    )
    result = run(["-c", script])
    assert result.returncode == 0, result.stderr
    values = dict(zip(names, ast.literal_eval(result.stdout.strip().splitlines()[-1]), strict=True))
    assert values == {
        "SESSION_COOKIE_SECURE": True,
        "CSRF_COOKIE_SECURE": True,
        "SESSION_COOKIE_HTTPONLY": True,
        "SECURE_CONTENT_TYPE_NOSNIFF": True,
        "SECURE_SSL_REDIRECT": True,
        "X_FRAME_OPTIONS": "DENY",
        "SECURE_REFERRER_POLICY": "same-origin",
        "SECURE_PROXY_SSL_HEADER": ("HTTP_X_FORWARDED_PROTO", "https"),
    }


def mail_settings(**extra: str) -> list:
    names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_USE_TLS", "EMAIL_HOST_USER"]
    script = (
        "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'config.settings');"
        "django.setup(); from django.conf import settings;"
        f"print([getattr(settings, n) for n in {names!r}])"
    )
    result = run(["-c", script], **extra)
    assert result.returncode == 0, result.stderr
    return ast.literal_eval(result.stdout.strip().splitlines()[-1])


def test_production_mail_goes_where_email_url_says():
    smtp = "django.core.mail.backends.smtp.EmailBackend"
    assert mail_settings(EMAIL_URL="smtp+tls://orion:pw@mail.example.com:587") == [
        smtp, "mail.example.com", 587, True, "orion"
    ]  # fmt: skip
    assert mail_settings(EMAIL_URL="")[:3] == [smtp, "localhost", 25]  # unset: the default
