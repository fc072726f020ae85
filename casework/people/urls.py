"""Caseworker pages about persons."""

from django.urls import path

from casework.people import views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("export.csv", views.person_export, name="person_export"),
    path("<uuid:public_id>/", views.PersonDetailView.as_view(), name="person_detail"),
]
