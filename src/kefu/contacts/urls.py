from django.urls import path

from kefu.contacts import views

app_name = "contacts"

urlpatterns = [
    path("", views.callbacks, name="callbacks"),
    path("<int:task_id>/complete", views.callback_complete, name="callback_complete"),
]
