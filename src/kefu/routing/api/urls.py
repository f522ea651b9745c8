from django.urls import path

from kefu.routing.api import views

urlpatterns = [
    path("calls", views.CallsView.as_view(), name="routing-calls"),
    path("calls/<str:call_id>", views.CallView.as_view(), name="routing-call"),
    path("agents/<str:job_number>", views.AgentView.as_view(), name="routing-agent"),
    path("agents/<str:job_number>/state", views.AgentStateView.as_view(), name="routing-agent-state"),
    path(
        "agents/<str:job_number>/wrapup-end",
        views.AgentWrapupEndView.as_view(),
        name="routing-agent-wrapup-end",
    ),
    path("seats/<str:job_number>", views.SeatView.as_view(), name="routing-seat"),
    path("queues", views.QueuesView.as_view(), name="routing-queues"),
    path("queues/<str:code>", views.QueueView.as_view(), name="routing-queue"),
]

# the CTI events, wrapped with routing (mounted by kefu.api.urls in place of telephony's)
cti_urlpatterns = [path("cti/events", views.RoutedCtiEventView.as_view(), name="cti-events")]
