from django.urls import path

from kefu.tmf.party_interaction import views

urlpatterns = [
    path("partyInteraction", views.PartyInteractionListView.as_view(), name="tmf-party-interaction-list"),
    path(
        "partyInteraction/<str:id>",
        views.PartyInteractionDetailView.as_view(),
        name="tmf-party-interaction-detail",
    ),
]
