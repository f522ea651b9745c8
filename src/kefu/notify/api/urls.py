from django.urls import path

from kefu.notify.api.views import SmsOutboxView

urlpatterns = [path("sms-outbox", SmsOutboxView.as_view(), name="sms-outbox")]
