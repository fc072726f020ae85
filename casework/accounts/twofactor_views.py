"""The second-factor step after the password, enrolment of an authenticator app, backup codes, own sessions."""

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.contrib.auth import views as auth_views
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casework.accounts import sessions, twofactor
from casework.accounts.forms import SecondFactorForm
from casework.accounts.middleware import second_factor_not_required


def _next_url(request: HttpRequest) -> str:
    candidate = request.POST.get(REDIRECT_FIELD_NAME) or request.GET.get(REDIRECT_FIELD_NAME, "")
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return settings.LOGIN_REDIRECT_URL


def _with_next(name: str, request: HttpRequest) -> HttpResponse:
    from urllib.parse import urlencode

    from django.urls import reverse

    return redirect(reverse(name) + "?" + urlencode({REDIRECT_FIELD_NAME: _next_url(request)}))


@second_factor_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor(request: HttpRequest) -> HttpResponse:
    """After the password: a code from the app or a backup code; without a device, enrolment first."""
    if sessions.is_verified(request):
        return redirect(_next_url(request))
    if not twofactor.is_enrolled(request.user):
        return _with_next("second_factor_setup", request)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = twofactor.verify(user=request.user, token=form.cleaned_data["token"])
        if device is not None:
            sessions.session_verified(request, device)
            left = twofactor.backup_codes_left(request.user)
            if left <= 2:
                messages.warning(
                    request, _("Only %(count)d backup codes are left: renew them on your profile.") % {"count": left}
                )
            return redirect(_next_url(request))
        form.add_error(
            "token", _("This code is not valid. After several wrong codes, wait a little before trying again.")
        )
    return render(request, "registration/second_factor.html", {"form": form, "next": _next_url(request)})


@second_factor_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator app: scan the QR code (or type the key), confirm with a first code; backup codes follow."""
    if twofactor.is_enrolled(request.user):
        if sessions.is_verified(request):
            return redirect("profile")
        return _with_next("second_factor", request)
    device = twofactor.pending_app_device(request.user)
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.enrol_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        if codes is not None:
            sessions.session_verified(request, device)
            return render(request, "registration/backup_codes.html", {"codes": codes, "next": _next_url(request)})
        form.add_error("token", _("This code is not valid. Check the time on your phone and try the next code."))
    context = {
        "form": form,
        "next": _next_url(request),
        "qr_svg": segno.make(device.config_url, error="m").svg_inline(
            scale=4, title=_("QR code for your authenticator app")
        ),
        "secret": twofactor.secret_base32(device),
    }
    return render(request, "registration/second_factor_setup.html", context)


@require_POST
def backup_codes_renew(request: HttpRequest) -> HttpResponse:
    """New backup codes, shown once (the old ones stop working); without a second factor, enrolment first
    (a user whose organisation does not require one may have none)."""
    if not twofactor.is_enrolled(request.user):
        return redirect("second_factor_setup")
    codes = twofactor.backup_codes_renew(user=request.user)
    return render(request, "registration/backup_codes.html", {"codes": codes, "next": "/accounts/profile/"})


@require_POST
def session_end(request: HttpRequest) -> HttpResponse:
    """End one of the user's own other sessions, or all of them but this one (`which=others`)."""
    current = request.session.session_key
    if request.POST.get("which") == "others":
        sessions.user_end_sessions(user=request.user, actor=request.user, reason="own", keep=current)
        messages.success(request, _("Your other sessions were ended."))
        return redirect("profile")
    raw = request.POST.get("session", "").strip()
    if raw.isdigit() and len(raw) < 19 and sessions.user_end_session(user=request.user, pk=int(raw), keep=current):
        messages.success(request, _("The session was ended."))
    return redirect("profile")


@second_factor_not_required
class LogoutView(auth_views.LogoutView):
    """Django's logout, open before the second factor too (a user may give up at that step)."""
