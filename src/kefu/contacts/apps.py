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
