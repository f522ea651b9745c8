from django.urls import path

from kefu.capability import views

app_name = "capability"

urlpatterns = [path("", views.query_page, name="query")]
