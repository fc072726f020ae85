"""The admin site: Django's, without the `/r/<content type>/<pk>/` shortcut.

Django's shortcut answers any staff user for any object of any model, in or out of their scope, by
redirecting to its page: an oracle of existence, of counts and of the pk↔UUID map. Here it answers
404 to everyone, for every object; the change form links to the record's page directly
(`ScopedModelAdmin.view_on_site`).

The autocomplete of person fields (the select of a screening's person, say) is a search of persons:
the read log records the persons it offered (`core.access`), like a person picker of the web pages.
"""

import json
from typing import Any

from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.core.exceptions import FieldDoesNotExist
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import URLPattern


def _shortcut_disabled(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    raise Http404


class CaseworkAdminSite(admin.AdminSite):
    def autocomplete_view(self, request: HttpRequest) -> HttpResponse:
        response = super().autocomplete_view(request)
        if response.status_code == 200:
            self._log_person_autocomplete(request, response)
        return response

    def _log_person_autocomplete(self, request: HttpRequest, response: HttpResponse) -> None:
        """Note the persons an autocomplete of a person field offered (nothing for other models)."""
        from casework.core import access

        params = request.GET
        source = next(
            (
                model
                for model in self._registry
                if model._meta.app_label == params.get("app_label")
                and model._meta.model_name == params.get("model_name")
            ),
            None,
        )
        try:
            remote_field = source._meta.get_field(params.get("field_name", "")).remote_field  # type: ignore[union-attr]
        except (AttributeError, FieldDoesNotExist):
            return
        remote = getattr(remote_field, "model", None)
        if not hasattr(remote, "accessed_person_id") or remote_field.field_name != remote._meta.pk.name:
            return
        ids = [int(row["id"]) for row in json.loads(response.content)["results"] if str(row["id"]).isdigit()]
        access.note(request, kind=access.Kind.SEARCH, persons=ids, search=params.get("term", ""))

    def get_urls(self) -> list[URLPattern]:
        urls = super().get_urls()
        for index, pattern in enumerate(urls):
            if getattr(pattern, "name", None) == "view_on_site":
                urls[index] = URLPattern(pattern.pattern, self.admin_view(_shortcut_disabled), name="view_on_site")
        return urls


class CaseworkAdminConfig(AdminConfig):
    """`django.contrib.admin` with the site above (listed in INSTALLED_APPS in its place)."""

    default_site = "casework.core.sites.CaseworkAdminSite"
