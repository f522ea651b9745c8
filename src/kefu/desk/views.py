"""Desk views: login by job number and the home page (工作台)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from kefu.desk.forms import StaffAuthenticationForm
from kefu.desk.selectors import home_figures


class StaffLoginView(auth_views.LoginView):
    """Login with job number and password (SYS-1); a signed-in user goes straight to the desk."""

    template_name = "registration/login.html"
    authentication_form = StaffAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request):
    """The home page with figures from the database, within the user's scope.

    An htmx request (the refresh button) gets the figures only.
    """
    context = {"figures": home_figures(request.user)}
    if request.headers.get("HX-Request"):
        return render(request, "desk/_figures.html", context)
    return render(request, "desk/home.html", context)
