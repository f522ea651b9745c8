from django.contrib.auth import views as auth_views
from django.urls import path

from kefu.desk import (
    account_managers,
    contact_views,
    knowledge_editor,
    knowledge_views,
    staffing_views,
    views,
    wallboard_views,
)

app_name = "desk"

urlpatterns = [
    path("", views.home, name="home"),
    path("desk/customers/", views.customer_find, name="customer_find"),
    path("desk/customers/<str:number>/", views.customer, name="customer"),
    path("desk/customers/<str:number>/reveal", views.customer_reveal, name="customer_reveal"),
    path("desk/customers/<str:number>/edit", views.customer_edit, name="customer_edit"),
    path("desk/embed/customers/<str:number>/", views.customer_embed, name="customer_embed"),
    path("desk/contacts/", contact_views.contact_list, name="contacts"),
    path("desk/contacts/new/", contact_views.contact_new, name="contact_new"),
    path("desk/contacts/import/", contact_views.contact_import, name="contact_import"),
    path("desk/contacts/<int:contact_id>/", contact_views.contact_detail, name="contact"),
    path("desk/contacts/<int:contact_id>/print/", contact_views.contact_print, name="contact_print"),
    path("desk/contacts/<int:contact_id>/correct", contact_views.contact_correct, name="contact_correct"),
    path("desk/contacts/<int:contact_id>/wrap-up", contact_views.contact_wrap_up, name="contact_wrap_up"),
    path(
        "desk/contacts/<int:contact_id>/requests", contact_views.contact_add_request, name="contact_request"
    ),
    path("desk/contacts/<int:contact_id>/links", contact_views.contact_link, name="contact_link"),
    path("desk/account-managers/", account_managers.account_managers, name="account_managers"),
    path(
        "desk/account-managers/assign",
        account_managers.account_manager_assign,
        name="account_manager_assign",
    ),
    path("desk/knowledge/", knowledge_views.knowledge, name="knowledge"),
    path("desk/knowledge/unanswered", knowledge_views.knowledge_unanswered, name="knowledge_unanswered"),
    # issue 13: the knowledge editor (kefu.desk.knowledge_editor)
    path("desk/knowledge/manage/", knowledge_editor.article_list, name="knowledge_manage"),
    path("desk/knowledge/manage/new/", knowledge_editor.article_new, name="knowledge_manage_new"),
    path("desk/knowledge/manage/preview", knowledge_editor.preview, name="knowledge_manage_preview"),
    path("desk/knowledge/manage/review/", knowledge_editor.review_queue, name="knowledge_manage_review"),
    path("desk/knowledge/manage/stale/", knowledge_editor.stale_list, name="knowledge_manage_stale"),
    path("desk/knowledge/manage/synonyms/", knowledge_editor.synonyms, name="knowledge_manage_synonyms"),
    path("desk/knowledge/manage/wording/", knowledge_editor.wording_list, name="knowledge_manage_wording"),
    path(
        "desk/knowledge/manage/wording/new/",
        knowledge_editor.wording_new,
        name="knowledge_manage_wording_new",
    ),
    path(
        "desk/knowledge/manage/wording/<str:code>/",
        knowledge_editor.wording_edit,
        name="knowledge_manage_wording_edit",
    ),
    path(
        "desk/knowledge/manage/wording/<str:code>/versions/",
        knowledge_editor.wording_versions,
        name="knowledge_manage_wording_versions",
    ),
    path(
        "desk/knowledge/manage/wording/<str:code>/<str:action>",
        knowledge_editor.wording_action,
        name="knowledge_manage_wording_action",
    ),
    path(
        "desk/knowledge/manage/articles/<str:code>/",
        knowledge_editor.article_edit,
        name="knowledge_manage_article",
    ),
    path(
        "desk/knowledge/manage/articles/<str:code>/versions/",
        knowledge_editor.article_versions,
        name="knowledge_manage_versions",
    ),
    path(
        "desk/knowledge/manage/articles/<str:code>/attachments",
        knowledge_editor.article_attach,
        name="knowledge_manage_attach",
    ),
    path(
        "desk/knowledge/manage/articles/<str:code>/<str:action>",
        knowledge_editor.article_action,
        name="knowledge_manage_action",
    ),
    path("desk/ivr-simulator/", views.ivr_simulator, name="ivr_simulator"),
    # issue 14: the supervisors' live wallboard (kefu.desk.wallboard_views)
    path("desk/routing/wallboard/", wallboard_views.wallboard_page, name="routing_wallboard"),
    path("desk/pin-pad/", views.pin_pad, name="pin_pad"),
    # issue 14: the supervisors' staffing page (Erlang C/A, pooled vs per-city)
    path("desk/routing/staffing/", staffing_views.staffing, name="routing_staffing"),
    # last: an article's code is any segment, so the editors' fixed paths (/desk/knowledge/manage/…)
    # must come before these
    path("desk/knowledge/<str:code>/", knowledge_views.knowledge_article, name="knowledge_article"),
    path("desk/knowledge/<str:code>/answered", knowledge_views.knowledge_answered, name="knowledge_answered"),
    path("desk/knowledge/<str:code>/send", knowledge_views.knowledge_send, name="knowledge_send"),
]

# The login and logout views live outside the namespace so that settings.LOGIN_URL = "login" works.
login_patterns = [
    path("login/", views.StaffLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
