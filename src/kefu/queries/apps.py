from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class QueriesConfig(AppConfig):
    name = "kefu.queries"
    label = "queries"
    verbose_name = _("综合查询")
