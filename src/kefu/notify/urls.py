from django.urls import path

from kefu.notify import views

app_name = "notify"

urlpatterns = [path("outbox/", views.outbox, name="outbox")]
