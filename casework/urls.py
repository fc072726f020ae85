"""URL configuration. Every view needs a login (LoginRequiredMiddleware) except those marked."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from casework.accounts import views as account_views
from casework.core import views as core_views
from casework.reports import views as report_views

admin.site.site_header = "Casework"
admin.site.site_title = "Casework"
admin.site.index_title = "Case administration"

urlpatterns = [
    path("", report_views.home, name="home"),
    path("persons/", include("casework.people.urls")),
    path("persons/", include("casework.screenings.urls")),
    path("requests/", include("casework.govrequests.urls")),
    path("facilities/", include("casework.camps.urls")),
    path("reminders/", include("casework.reminders.urls")),
    path("imports/", include("casework.imports.urls")),
    path("health/", core_views.health, name="health"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/change/",
        auth_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/profile/", account_views.profile, name="profile"),
    # The language can be chosen before logging in, on the login page; once logged in it is saved.
    path("i18n/setlang/", account_views.language_switch, name="set_language"),
    path(settings.ADMIN_URL, admin.site.urls),
]
