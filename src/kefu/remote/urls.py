from django.urls import path

from kefu.remote import views

app_name = "remote"

urlpatterns = [path("", views.remote_page, name="panel")]
