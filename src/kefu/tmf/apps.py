from django.apps import AppConfig


class TmfConfig(AppConfig):
    name = "kefu.tmf"
    label = "tmf"
    verbose_name = "TM Forum Open API"

    def ready(self) -> None:
        from kefu.core import outbox
        from kefu.tmf.trouble_ticket import notifications

        outbox.register_hold(notifications.outbox_hold)
