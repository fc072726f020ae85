"""Content-Security-Policy without inline script or style, and no caching of pages with personal data."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


def directives(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    parsed = {}
    for part in header.split(";"):
        name, *values = part.split()
        parsed[name] = values
    return parsed


def test_a_person_page_has_a_strict_content_security_policy(client_for, caseworker_a, person_a):
    response = client_for(caseworker_a).get(reverse("people:person_detail", args=[person_a.public_id]))

    assert response.status_code == 200
    assert "Content-Security-Policy-Report-Only" not in response
    policy = directives(response)
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]
    assert policy["default-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"] and policy["base-uri"] == ["'none'"]
    assert not [v for values in policy.values() for v in values if "unsafe" in v]


def test_the_login_page_and_the_admin_have_the_policy_too(client, client_for, supervisor_a):
    assert "script-src 'self'" in client.get(reverse("login"))["Content-Security-Policy"]
    assert "script-src 'self'" in client_for(supervisor_a).get("/admin/")["Content-Security-Policy"]


@pytest.mark.parametrize("view", ["person_list", "person_detail"])
def test_pages_with_personal_data_are_never_stored(client_for, caseworker_a, person_a, view):
    args = [person_a.public_id] if view == "person_detail" else []
    response = client_for(caseworker_a).get(reverse(f"people:{view}", args=args))

    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_an_htmx_fragment_is_never_stored(client_for, caseworker_a, person_a):
    client = client_for(caseworker_a)
    fragment = client.get(reverse("people:person_list"), HTTP_HX_REQUEST="true")

    assert "no-store" in fragment["Cache-Control"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> element"),
    (re.compile(r"\sstyle=\"", re.I), "style attribute"),
    (re.compile(r"\son[a-z]+=\"", re.I), "inline event handler"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_served_to_browsers_has_inline_script_or_style():
    """The CSP refuses them; e-mail and PDF templates (never served to a browser) may keep inline styles."""
    found = []
    for path in sorted(TEMPLATES.rglob("*.html")):
        if {"email", "pdf"} & set(path.relative_to(TEMPLATES).parts):
            continue
        text = path.read_text(encoding="utf-8")
        found += [f"{path.relative_to(TEMPLATES)}: {what}" for pattern, what in INLINE if pattern.search(text)]

    assert found == []


def test_the_admin_status_badge_uses_a_class_not_an_inline_style():
    from casework.core.admin.base import status_badge

    html = status_badge("Open", "success")

    assert "style=" not in html and 'class="cw-badge cw-badge-success"' in html
