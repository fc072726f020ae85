"""Caseworker pages about persons and the records attached to them.

The person page itself (`person_detail`) is in `casework.pages`, added to this namespace by `casework/urls.py`.
"""

from django.urls import path

from casework.people import record_views, records, views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("export.csv", views.person_export, name="person_export"),
    path("new/", views.PersonCreateView.as_view(), name="person_create"),
    path("<uuid:public_id>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("<uuid:public_id>/photo/", views.person_photo, name="person_photo"),
    path("<uuid:public_id>/transition/", views.person_transition, name="person_transition"),
    path("<uuid:public_id>/aliases/", record_views.alias_formset, name="alias_list"),
    path(
        "<uuid:public_id>/claims/<uuid:record_id>/transition/",
        record_views.nationality_claim_transition,
        name="claim_transition",
    ),
    path(
        "<uuid:public_id>/documents/<uuid:record_id>/file/",
        record_views.identity_document_file,
        name="document_file",
    ),
]

# Records of a person: <kind>/ (list and add), <kind>/<id>/ (edit), <kind>/<id>/remove/.
_SEGMENTS = {
    "alias": "aliases",
    "claim": "claims",
    "document": "documents",
    "family": "family",
    "custody": "custody",
    "dna": "dna-tests",
    "journey": "journey",
    "return": "return",
}
for _kind in records.KINDS:
    urlpatterns += record_views.record_urls(_kind, _SEGMENTS[_kind.name])
