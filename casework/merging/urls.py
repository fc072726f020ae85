from django.urls import path

from casework.merging import views

app_name = "merging"

urlpatterns = [
    # The duplicate review queue links here: ?a=<public id>&b=<public id>.
    path("merge/", views.person_merge, name="merge"),
    path("merges/<uuid:public_id>/", views.merge_detail, name="merge_detail"),
    path("merges/<uuid:public_id>/unmerge/", views.merge_undo, name="unmerge"),
]
