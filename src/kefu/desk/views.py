from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render


class StaffLoginView(auth_views.LoginView):
    template_name = "registration/login.html"


@login_required
def home(request):
    return render(request, "desk/home.html", {})
