from django.urls import path

from kefu.platform import views

app_name = "platform"

urlpatterns = [path("requests/", views.requests_page, name="requests")]
