"""Caseworker pages about government requests.

The request page (`request_detail`, and the forms that redraw it) is in `casework.pages`, added to
this namespace by `casework/urls.py`.
"""

from django.urls import path

from casework.govrequests.views import followups, handovers, requests

app_name = "govrequests"

urlpatterns = [
    path("", requests.GovernmentRequestListView.as_view(), name="request_list"),
    path("new/", requests.request_create, name="request_create"),
    path("<uuid:public_id>/transition/", requests.request_transition, name="request_transition"),
    path(
        "<uuid:public_id>/events/<uuid:event_id>/document/",
        requests.request_event_document,
        name="request_event_document",
    ),
    path("<uuid:public_id>/summary/", requests.request_summary, name="request_summary"),
    path("<uuid:public_id>/follow-up/", followups.request_followup, name="request_followup"),
    path("<uuid:public_id>/follow-up/refresh/", followups.request_followup_refresh, name="request_followup_refresh"),
    path("<uuid:public_id>/follow-up/send/", followups.request_followup_send, name="request_followup_send"),
    path("<uuid:public_id>/follow-up/discard/", followups.request_followup_discard, name="request_followup_discard"),
    path("<uuid:public_id>/persons/add/", requests.request_add_persons, name="request_add_persons"),
    path("<uuid:public_id>/persons/remove/", requests.request_remove_person, name="request_remove_person"),
    path("<uuid:public_id>/handovers/new/", handovers.request_plan_handover, name="handover_plan"),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/complete/",
        handovers.request_complete_handover,
        name="handover_complete",
    ),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/cancel/",
        handovers.request_cancel_handover,
        name="handover_cancel",
    ),
    path(
        "<uuid:public_id>/handovers/<uuid:operation_id>/document/",
        handovers.request_handover_document,
        name="handover_document",
    ),
]
