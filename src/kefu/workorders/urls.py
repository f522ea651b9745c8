"""The desk's work-order pages, mounted at /workorders/."""

from django.urls import path

from kefu.workorders import views

app_name = "workorders"

urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.new, name="new"),
    path("categories/", views.categories, name="categories"),
    path("bulk/", views.bulk, name="bulk"),
    path("attachments/<int:attachment_id>", views.attachment, name="attachment"),
    path("<str:order_number>/", views.detail, name="detail"),
    path("<str:order_number>/act", views.act, name="act"),
]
