from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CapabilityConfig(AppConfig):
    name = "kefu.capability"
    label = "capability"
    verbose_name = _("能力开放查询")
