from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "kefu.core"
    label = "core"
    verbose_name = _("组织与系统")

    def ready(self):
        from kefu.core.auth import connect_token_cache_signals

        connect_token_cache_signals()
