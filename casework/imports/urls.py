"""Import pages."""

from django.urls import path

from casework.imports import views

app_name = "imports"

urlpatterns = [
    path("", views.batch_list, name="batch_list"),
    path("upload/", views.batch_upload, name="batch_upload"),
    path("template.xlsx", views.template_download, name="template_download"),
    path("persons.xlsx", views.person_export, name="person_export"),
    path("<uuid:public_id>/", views.batch_detail, name="batch_detail"),
    path("<uuid:public_id>/mapping/", views.batch_mapping, name="batch_mapping"),
    path("<uuid:public_id>/progress/", views.batch_progress, name="batch_progress"),
    path("<uuid:public_id>/cancel/", views.batch_cancel, name="batch_cancel"),
    path("<uuid:public_id>/rows/<int:number>/decision/", views.row_decide, name="row_decide"),
    path("<uuid:public_id>/commit/", views.batch_commit, name="batch_commit"),
    path("<uuid:public_id>/undo/", views.batch_undo, name="batch_undo"),
]
