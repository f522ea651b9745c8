from django.urls import path
from rest_framework.routers import SimpleRouter

from kefu.workorders.api.pickers import PickerView
from kefu.workorders.api.views import (
    AttachmentDownloadViewSet,
    FlowViewSet,
    TransitionTableView,
    WorkOrderViewSet,
)

router = SimpleRouter(trailing_slash=False)
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register("work-order-attachments", AttachmentDownloadViewSet, basename="work-order-attachment")
router.register("work-order-flows", FlowViewSet, basename="work-order-flow")

urlpatterns = [
    path("work-order-transitions", TransitionTableView.as_view(), name="work-order-transitions"),
    path("pickers/<str:kind>", PickerView.as_view(), name="picker"),
    *router.urls,
]
