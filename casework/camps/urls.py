"""Caseworker pages about facilities."""

from django.urls import path

from casework.camps import views

app_name = "camps"

urlpatterns = [
    path("", views.facility_list, name="facility_list"),
    path("<uuid:public_id>/", views.facility_detail, name="facility_detail"),
]
