from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContactsConfig(AppConfig):
    name = "kefu.contacts"
    label = "contacts"
    verbose_name = _("客户接触")

    def ready(self) -> None:
        # CON-1: every message notify sends to a customer is an outbound contact. notify (layer 2)
        # cannot import contacts, so contacts listens (kefu.notify.hooks).
        from kefu.contacts.services import contact_log_message
        from kefu.notify import hooks

        hooks.on_message_sent(contact_log_message)

        from django.db.models.signals import post_delete, post_save

        from kefu.contacts.models import WrapUpReason
        from kefu.contacts.selectors import forget_wrap_up_reasons

        post_save.connect(forget_wrap_up_reasons, sender=WrapUpReason, dispatch_uid="wrap-up-reasons")
        post_delete.connect(forget_wrap_up_reasons, sender=WrapUpReason, dispatch_uid="wrap-up-reasons-gone")
