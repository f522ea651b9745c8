from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SpQualityConfig(AppConfig):
    name = "kefu.spquality"
    label = "spquality"
    verbose_name = _("SP服务质量")
