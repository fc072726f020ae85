"""URLs of the duplicate review queue; `casework/urls.py` adds the comparison page of `casework.pages`."""

from django.urls import path

from casework.matching import views

urlpatterns = [
    path("", views.duplicate_list, name="duplicate_list"),
    path("<uuid:public_id>/decide/", views.duplicate_decide, name="duplicate_decide"),
]
