from django.urls import path

from kefu.federation.views import MessagesView

app_name = "federation"

urlpatterns = [
    path("messages", MessagesView.as_view(), name="messages"),
]
