from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RemoteConfig(AppConfig):
    name = "kefu.remote"
    label = "remote"
    verbose_name = _("异地服务")
