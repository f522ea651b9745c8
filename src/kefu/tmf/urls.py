"""/tmf-api/: TM Forum Open APIs. Each API is a sub-package with its own ``urls.py``."""

from django.urls import include, path

urlpatterns = [
    path("troubleTicket/v4/", include("kefu.tmf.trouble_ticket.urls")),
    path("partyInteraction/v4/", include("kefu.tmf.party_interaction.urls")),
    path("customerManagement/v4/", include("kefu.tmf.customer.urls")),
]
