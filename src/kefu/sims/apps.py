from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SimsConfig(AppConfig):
    name = "kefu.sims"
    label = "sims"
    verbose_name = _("SIMS(梦网SP投诉处理)")

    def ready(self) -> None:
        from kefu.federation import delivery
        from kefu.sims import services

        # SP-1: overdue replies cost points without a Celery beat on the SIMS node — the delivery loop
        # every node runs calls the sweep, at most once a minute (``services.sweep_due``).
        if services.sweep_due not in delivery.producers:
            delivery.producers.append(services.sweep_due)
