"""Per-request account rules: the user's language, no caching of pages, session lifetime, the second factor."""

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import REDIRECT_FIELD_NAME, logout
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_cache_control

from casework.accounts import sessions, twofactor


class UserLanguageMiddleware:
    """Activate the logged-in user's saved language (after AuthenticationMiddleware).

    Before login, Django's LocaleMiddleware picks the language (cookie set by the switcher, then the
    browser's Accept-Language). After login the user's saved choice wins, on any device; the
    switcher in the navigation bar and the profile page save it. No query: the user is already
    loaded by LoginRequiredMiddleware.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.languages = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.language in self.languages:
            translation.activate(user.language)
            request.LANGUAGE_CODE = user.language
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response of a view: pages carry personal data and must not be kept
    by browsers or proxies. Static files are answered by WhiteNoise above this middleware and stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        patch_cache_control(response, private=True, no_store=True)
        return response


class SessionLifetimeMiddleware:
    """Log out a session past its absolute lifetime (`SESSION_ABSOLUTE_LIFETIME`), however active it was."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and sessions.is_expired(request.session):
            sessions.session_ended(request.session.session_key)
            logout(request)
        return self.get_response(request)


def second_factor_not_required(view: Callable) -> Callable:
    """Mark a view open to a logged-in user who has not given their second factor yet (the step itself, logout)."""
    view.second_factor_not_required = True  # type: ignore[attr-defined]
    return view


class SecondFactorMiddleware:
    """Send a logged-in user whose session has no second factor yet to give it (or to enrol one).

    Views open without login (`login_not_required`) and those marked `second_factor_not_required`
    stay open. No query for a verified session (a session key: `sessions.is_verified`); a session
    without one asks on each request whether the user needs it (`twofactor.is_required`: their rights
    and their organisation's setting), so a change of either applies to sessions already open.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func: Callable, view_args: Any, view_kwargs: Any) -> Any:
        if not request.user.is_authenticated or sessions.is_verified(request):
            return None
        view_class = getattr(view_func, "view_class", None)
        if not getattr(view_func, "login_required", True) or getattr(view_func, "second_factor_not_required", False):
            return None
        if view_class is not None and getattr(view_class, "second_factor_not_required", False):
            return None
        if not twofactor.is_required(request.user):
            return None
        target = reverse("second_factor")
        if request.method == "GET":
            target += "?" + urlencode({REDIRECT_FIELD_NAME: request.get_full_path()})
        return redirect(target)
