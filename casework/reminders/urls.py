"""Acting on reminders from the caseworker's pages."""

from django.urls import path

from casework.reminders import views

app_name = "reminders"

urlpatterns = [
    path("<uuid:public_id>/acknowledge/", views.reminder_acknowledge, name="reminder_acknowledge"),
    path("<uuid:public_id>/snooze/", views.reminder_snooze, name="reminder_snooze"),
    path("<uuid:public_id>/dismiss/", views.reminder_dismiss, name="reminder_dismiss"),
    path("<uuid:public_id>/done/", views.reminder_done, name="reminder_done"),
]
