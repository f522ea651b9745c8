from django.urls import path

from kefu.tmf.trouble_ticket import views

urlpatterns = [
    path("troubleTicket", views.TroubleTicketListView.as_view(), name="tmf-trouble-ticket-list"),
    path("troubleTicket/<str:id>", views.TroubleTicketDetailView.as_view(), name="tmf-trouble-ticket-detail"),
    path("hub", views.HubView.as_view(), name="tmf-trouble-ticket-hub"),
    path("hub/<str:id>", views.HubDetailView.as_view(), name="tmf-trouble-ticket-hub-detail"),
]
