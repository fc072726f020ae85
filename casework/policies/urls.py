"""The State-policies page."""

from django.urls import path

from casework.policies import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="policy_list"),
    path("new/", views.policy_create, name="policy_create"),
    path("<uuid:public_id>/edit/", views.policy_update, name="policy_update"),
]
