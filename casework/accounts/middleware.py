"""Interface language of a logged-in user: their saved `User.language`, on every request."""

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation


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
