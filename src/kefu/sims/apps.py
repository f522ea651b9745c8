from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimsConfig(AppConfig):
    name = "kefu.sims"
    label = "sims"
    verbose_name = _("SIMS(梦网SP投诉处理)")
