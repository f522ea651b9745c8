from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.desk import views

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
]

# The login and logout views live outside the namespace so that settings.LOGIN_URL = "login" works.
login_patterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
