from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HubConfig(AppConfig):
    name = "kefu.hub"
    label = "hub"
    verbose_name = _("一级客服枢纽")
