from django.urls import path

from kefu.identity.api import views

urlpatterns = [
    path(
        "subscribers/<str:number>/authenticate",
        views.AuthenticateView.as_view(),
        name="subscriber-authenticate",
    ),
    path("subscribers/<str:number>/otp", views.OtpSendView.as_view(), name="subscriber-otp"),
    path(
        "subscribers/<str:number>/security-notice",
        views.SecurityNoticeView.as_view(),
        name="subscriber-security-notice",
    ),
    path(
        "subscribers/<str:number>/service-password",
        views.ServicePasswordView.as_view(),
        name="subscriber-service-password",
    ),
    path(
        "calls/<str:call_id>/password-collection",
        views.PasswordCollectionRequestView.as_view(),
        name="call-password-collection",
    ),
    path(
        "ivr/password-collections/<int:collection_id>",
        views.PasswordCollectionView.as_view(),
        name="ivr-password-collection",
    ),
    path(
        "password-collections/<int:collection_id>",
        views.PasswordCollectionView.as_view(),
        name="password-collection",
    ),
    path("pin-pad/collections", views.PinPadRequestView.as_view(), name="pin-pad-collections"),
    path("pin-pad/pending", views.PinPadPendingView.as_view(), name="pin-pad-pending"),
    path("authentication-stats", views.AuthenticationStatsView.as_view(), name="authentication-stats"),
]
