"""URL patterns of the combined pages, each under the namespace of the app it is about.

`casework/urls.py` adds each list to that app's own patterns, so the paths and names stay
`people:person_detail`, `govrequests:request_detail`, `camps:facility_list`, ... (the lower apps'
`urls.py` may not import this app).
"""

from django.urls import path

from casework.pages import views
from casework.pages.dashboard import views as dashboard_views

person_patterns = [
    path("<uuid:public_id>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<uuid:public_id>/seen-by/", views.person_access_log, name="person_access_log"),
]

request_patterns = [
    path("<uuid:public_id>/", views.request_detail, name="request_detail"),
    path("<uuid:public_id>/events/", views.request_record_event, name="request_record_event"),
    path("<uuid:public_id>/decisions/", views.request_record_decisions, name="request_record_decisions"),
]

facility_patterns = [
    path("", views.facility_list, name="facility_list"),
    path("<uuid:public_id>/", views.facility_detail, name="facility_detail"),
]

duplicate_patterns = [
    path("<uuid:public_id>/", views.duplicate_detail, name="duplicate_detail"),
]

dashboard_patterns = [
    path("", dashboard_views.dashboard_page, name="dashboard"),
    path("<slug:key>.csv", dashboard_views.dashboard_csv, name="dashboard_csv"),
]
