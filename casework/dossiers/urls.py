from django.urls import path

from casework.dossiers import views

app_name = "dossiers"

urlpatterns = [
    path("<uuid:public_id>/dossiers/", views.dossier_section, name="section"),
    path("<uuid:public_id>/dossiers/preview.pdf", views.dossier_preview, name="preview"),
    path("<uuid:public_id>/dossiers/generate/", views.dossier_generate, name="generate"),
    path("<uuid:public_id>/dossiers/<uuid:dossier_id>/file/", views.dossier_file, name="file"),
]
