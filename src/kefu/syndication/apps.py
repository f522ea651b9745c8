from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SyndicationConfig(AppConfig):
    name = "kefu.syndication"
    label = "syndication"
    verbose_name = _("全网知识同步")
