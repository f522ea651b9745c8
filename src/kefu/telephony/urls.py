from django.urls import path

from kefu.telephony import views

app_name = "telephony"

urlpatterns = [path("events", views.agent_events, name="events")]
