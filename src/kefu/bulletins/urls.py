from django.urls import path

from kefu.bulletins import views

app_name = "bulletins"

urlpatterns = [
    path("", views.inbox, name="inbox"),
    path("new/", views.new, name="new"),
    path("<int:notice_id>/", views.detail, name="detail"),
    path("<int:notice_id>/acknowledge", views.acknowledge, name="acknowledge"),
]
