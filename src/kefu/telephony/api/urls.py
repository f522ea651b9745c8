from django.urls import path

from kefu.telephony.api.views import CtiEventView

urlpatterns = [path("cti/events", CtiEventView.as_view(), name="cti-events")]
