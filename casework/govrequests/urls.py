"""Caseworker pages about government requests."""

from django.urls import path

from casework.govrequests import views

app_name = "govrequests"

urlpatterns = [
    path("", views.GovernmentRequestListView.as_view(), name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("<uuid:public_id>/transition/", views.request_transition, name="request_transition"),
    path("<uuid:public_id>/events/", views.request_record_event, name="request_record_event"),
    path(
        "<uuid:public_id>/events/<uuid:event_id>/document/",
        views.request_event_document,
        name="request_event_document",
    ),
    path("<uuid:public_id>/decisions/", views.request_record_decisions, name="request_record_decisions"),
    path("<uuid:public_id>/summary/", views.request_summary, name="request_summary"),
    path("<uuid:public_id>/follow-up/", views.request_followup, name="request_followup"),
    path("<uuid:public_id>/follow-up/refresh/", views.request_followup_refresh, name="request_followup_refresh"),
    path("<uuid:public_id>/follow-up/send/", views.request_followup_send, name="request_followup_send"),
    path("<uuid:public_id>/follow-up/discard/", views.request_followup_discard, name="request_followup_discard"),
]
