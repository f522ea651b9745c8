from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BulletinsConfig(AppConfig):
    name = "kefu.bulletins"
    label = "bulletins"
    verbose_name = _("公告与内部消息")
