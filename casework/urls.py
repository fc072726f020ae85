"""URL configuration. Every view needs a login (LoginRequiredMiddleware) except those marked."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.generic import RedirectView

from casework.accounts import twofactor_views
from casework.accounts import views as account_views
from casework.core import views as core_views
from casework.govrequests import urls as govrequests_urls
from casework.matching import urls as matching_urls
from casework.pages import urls as pages_urls
from casework.pages import views as page_views
from casework.people import urls as people_urls

admin.site.site_header = "Casework"
admin.site.site_title = "Casework"
admin.site.index_title = "Case administration"

# Django's form views answer PUT like POST: the account pages take only what a browser sends.
FORM_METHODS = ["get", "post", "head", "options"]

urlpatterns = [
    path("", page_views.home, name="home"),
    # The pages that combine apps (casework.pages) keep the URL names of the app they are about.
    path("persons/", include(([*pages_urls.person_patterns, *people_urls.urlpatterns], "people"))),
    path("persons/", include("casework.screenings.urls")),
    path("persons/duplicates/", include(([*pages_urls.duplicate_patterns, *matching_urls.urlpatterns], "matching"))),
    path("persons/", include("casework.legal.urls")),
    path("persons/", include("casework.merging.urls")),
    path("requests/", include(([*pages_urls.request_patterns, *govrequests_urls.urlpatterns], "govrequests"))),
    path("requests/", include("casework.dossiers.urls")),
    path("facilities/", include((pages_urls.facility_patterns, "camps"))),
    path("reminders/", include("casework.reminders.urls")),
    path("policies/", include("casework.policies.urls")),
    path("dashboard/", include(pages_urls.dashboard_patterns)),
    path("imports/", include("casework.imports.urls")),
    path("retention/", include("casework.retention.urls")),
    path("health/", core_views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(http_method_names=FORM_METHODS), name="login"),
    path("accounts/logout/", twofactor_views.LogoutView.as_view(), name="logout"),
    # After the password: the second factor (enrolment the first time), then backup codes and own sessions.
    path("accounts/second-factor/", twofactor_views.second_factor, name="second_factor"),
    path("accounts/second-factor/setup/", twofactor_views.second_factor_setup, name="second_factor_setup"),
    path("accounts/second-factor/backup-codes/", twofactor_views.backup_codes_renew, name="backup_codes_renew"),
    path("accounts/sessions/end/", twofactor_views.session_end, name="session_end"),
    path(
        "accounts/password/change/",
        account_views.PasswordChangeView.as_view(http_method_names=FORM_METHODS),
        name="password_change",
    ),
    path("accounts/password/change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    # A forgotten password: a one-time link to the user's own e-mail address (login not required).
    path(
        "accounts/password/reset/",
        auth_views.PasswordResetView.as_view(http_method_names=FORM_METHODS),
        name="password_reset",
    ),
    path("accounts/password/reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "accounts/password/reset/<uidb64>/<token>/",
        account_views.PasswordResetConfirmView.as_view(http_method_names=FORM_METHODS),
        name="password_reset_confirm",
    ),
    path(
        "accounts/password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("accounts/profile/", account_views.profile, name="profile"),
    # The language can be chosen before logging in, on the login page; once logged in it is saved.
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    # One way in: the admin's own login page sends to the login with its second factor.
    path(
        f"{settings.ADMIN_URL}login/",
        login_not_required(RedirectView.as_view(pattern_name="login", query_string=True)),
        name="admin_login_redirect",
    ),
    path(settings.ADMIN_URL, admin.site.urls),
]

# A database restart or a full upload disk answers 503 with a clear message, not a bare 500.
handler500 = "casework.core.errors.server_error"
