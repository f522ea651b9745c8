from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FederationConfig(AppConfig):
    name = "kefu.federation"
    label = "federation"
    verbose_name = _("联邦协议")

    def ready(self) -> None:
        from django.utils.module_loading import autodiscover_modules

        from kefu.core.api import ops
        from kefu.federation import handlers, selectors  # noqa: F401 - registers the built-in handlers

        # Message handlers of other apps live in their ``federation_handlers`` module.
        autodiscover_modules("federation_handlers")
        ops.metrics_hooks.append(selectors.metrics_gauges)
