from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AcceptanceConfig(AppConfig):
    name = "kefu.acceptance"
    label = "acceptance"
    verbose_name = _("业务受理")
