"""Retention reviews."""

from django.urls import path

from casework.retention import views

app_name = "retention"

urlpatterns = [
    path("", views.review_list, name="review_list"),
    path("<uuid:public_id>/<slug:action>/", views.review_decide, name="review_decide"),
]
