"""Province (``kefu.urls.province``), hub and SIMS (their role URL confs) each route their own page."""

from django.urls import path

from kefu.spquality import views

app_name = "spquality"

urlpatterns = [path("", views.province_page, name="home")]
hub_urlpatterns = ([path("", views.hub_page, name="home")], "spquality")
sims_urlpatterns = ([path("", views.sims_page, name="home")], "spquality")
