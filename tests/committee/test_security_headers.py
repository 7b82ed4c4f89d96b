"""The CSP is enforced with nonces, and no page carries an inline script or handler."""

import re

import pytest
from django.test import Client

INLINE_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE)


def test_pages_send_an_enforced_csp_with_a_nonce_on_every_script(org, as_user):
    response = as_user(org.secretary_a).get("/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in policy
    assert "frame-ancestors 'none'" in policy
    assert "unsafe-inline" not in policy
    nonce = re.search(r"'nonce-([^']+)'", policy).group(1)
    body = response.content.decode()
    scripts = re.findall(r"<script[^>]*>", body)
    assert scripts, "the page loads htmx and needle.js"
    assert all(f'nonce="{nonce}"' in tag for tag in scripts), scripts
    assert not INLINE_HANDLER.search(body)


def test_clickjacking_is_denied(org, as_user):
    assert as_user(org.secretary_a).get("/")["X-Frame-Options"] == "DENY"


@pytest.mark.django_db
def test_posts_without_a_csrf_token_are_refused_with_an_explanation(org):
    client = Client(enforce_csrf_checks=True)
    client.force_login(org.worker_a)
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()


def test_htmx_requests_carry_the_csrf_token(org, as_user):
    body = as_user(org.worker_a).get("/").content.decode()
    assert 'hx-headers=\'{"X-CSRFToken": "' in body
