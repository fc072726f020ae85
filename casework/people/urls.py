"""Caseworker pages about persons."""

from django.urls import path

from casework.people import views

app_name = "people"

urlpatterns = [
    path("", views.PersonListView.as_view(), name="person_list"),
    path("export.csv", views.person_export, name="person_export"),
    path("new/", views.PersonCreateView.as_view(), name="person_create"),
    path("<uuid:public_id>/", views.PersonDetailView.as_view(), name="person_detail"),
    path("<uuid:public_id>/edit/", views.PersonUpdateView.as_view(), name="person_update"),
    path("<uuid:public_id>/transition/", views.person_transition, name="person_transition"),
]
