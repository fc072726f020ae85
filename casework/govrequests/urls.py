"""Caseworker pages about government requests.

The request page (`request_detail`, and the forms that redraw it) is in `casework.pages`, added to
this namespace by `casework/urls.py`.
"""

from django.urls import path

from casework.govrequests import views

app_name = "govrequests"

urlpatterns = [
    path("", views.GovernmentRequestListView.as_view(), name="request_list"),
    path("new/", views.request_create, name="request_create"),
    path("<uuid:public_id>/transition/", views.request_transition, name="request_transition"),
    path(
        "<uuid:public_id>/events/<uuid:event_id>/document/",
        views.request_event_document,
        name="request_event_document",
    ),
    path("<uuid:public_id>/summary/", views.request_summary, name="request_summary"),
    path("<uuid:public_id>/follow-up/", views.request_followup, name="request_followup"),
    path("<uuid:public_id>/follow-up/refresh/", views.request_followup_refresh, name="request_followup_refresh"),
    path("<uuid:public_id>/follow-up/send/", views.request_followup_send, name="request_followup_send"),
    path("<uuid:public_id>/follow-up/discard/", views.request_followup_discard, name="request_followup_discard"),
    path("<uuid:public_id>/persons/add/", views.request_add_persons, name="request_add_persons"),
    path("<uuid:public_id>/persons/remove/", views.request_remove_person, name="request_remove_person"),
    path("<uuid:public_id>/handovers/new/", views.request_plan_handover, name="handover_plan"),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/complete/",
        views.request_complete_handover,
        name="handover_complete",
    ),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/cancel/",
        views.request_cancel_handover,
        name="handover_cancel",
    ),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/document/",
        views.request_handover_document,
        name="handover_document",
    ),
]
