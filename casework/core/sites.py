"""The admin site: Django's, without the `/r/<content type>/<pk>/` shortcut.

Django's shortcut answers any staff user for any object of any model, in or out of their scope, by
redirecting to its page: an oracle of existence, of counts and of the pk↔UUID map. Here it answers
404 to everyone, for every object; the change form links to the record's page directly
(`ScopedModelAdmin.view_on_site`).
"""

from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern


def _shortcut_disabled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


class CaseworkAdminSite(admin.AdminSite):
    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = URLPattern(pattern.pattern, self.admin_view(_shortcut_disabled), name="view_on_site")
        return urls


class CaseworkAdminConfig(AdminConfig):
    """`django.contrib.admin` with the site above (listed in INSTALLED_APPS in its place)."""

    default_site = "casework.core.sites.CaseworkAdminSite"
