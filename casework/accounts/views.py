"""The user's own pages: the profile (language, digest), the language switcher, password change and reset (audited)."""

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django.views.i18n import set_language

from casework.accounts import services, sessions, twofactor
from casework.accounts.forms import ProfileForm


def _set_language_cookie(response: HttpResponse, language: str) -> None:
    """The cookie LocaleMiddleware reads, so that the login page after a logout stays in the same language."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """Choose the interface language and how often the reminder digest is e-mailed; see and end own sessions."""
    user = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST)
        if form.is_valid():
            services.user_set_preferences(user=user, actor=user, **form.cleaned_data)
            translation.activate(user.language)
            messages.success(request, _("Your preferences were saved."))
            response = redirect("profile")
            _set_language_cookie(response, user.language)
            return response
    else:
        form = ProfileForm(initial={"language": user.language, "digest_frequency": user.digest_frequency})
    context = {
        "form": form,
        "login_sessions": sessions.sessions_of(user),
        "current_session_key": request.session.session_key,
        "backup_codes_left": twofactor.backup_codes_left(user),
        "second_factor_enrolled": twofactor.is_enrolled(user),
    }
    return render(request, "accounts/profile.html", context)


@login_not_required
def language_switch(request: HttpRequest) -> HttpResponse:
    """Django's `set_language` (cookie and redirect); a logged-in user's choice is also saved on their account."""
    response = set_language(request)
    language = request.POST.get("language", "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in {code for code, _name in settings.LANGUAGES}
    ):
        services.user_set_preferences(user=request.user, actor=request.user, language=language)
    return response


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's own-password change, audited."""

    def form_valid(self, form: Form) -> HttpResponse:
        old_key = self.request.session.session_key
        response = super().form_valid(form)  # keeps this session under a new key
        sessions.session_rekeyed(old_key, self.request.session.session_key)
        services.user_record_password_change(
            actor=self.request.user,
            user=self.request.user,
            how="changed",
            keep_session=self.request.session.session_key,
        )
        return response


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's one-time reset link (login not required), audited as the user's own act."""

    @method_decorator(login_not_required)  # as on Django's dispatch, which this one replaces for as_view
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # Django's dispatch answers a link it cannot use before it checks the method: check it first.
        if request.method.lower() not in self.http_method_names:
            return self.http_method_not_allowed(request, *args, **kwargs)
        return super().dispatch(request, *args, **kwargs)

    def form_valid(self, form: Form) -> HttpResponse:
        response = super().form_valid(form)
        services.user_record_password_change(actor=self.user, user=self.user, how="reset")
        return response
