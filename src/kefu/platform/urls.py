from django.urls import path

from kefu.platform import views

app_name = "platform"

urlpatterns = [path("", views.requests_page, name="requests")]
