from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrosslevelConfig(AppConfig):
    name = "kefu.crosslevel"
    label = "crosslevel"
    verbose_name = _("跨级工单")

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from kefu.core import outbox
        from kefu.core.models import OutboxMessage
        from kefu.crosslevel import relay
        from kefu.federation import delivery

        # Work-order events become federation messages before each delivery round, and a committed
        # work-order event wakes the delivery thread (only where peers are configured).
        if relay.relay_pending not in delivery.producers:
            delivery.producers.append(relay.relay_pending)
        post_save.connect(relay.on_outbox_saved, sender=OutboxMessage, dispatch_uid="crosslevel-relay-kick")
        outbox.register_hold(relay.outbox_hold)
