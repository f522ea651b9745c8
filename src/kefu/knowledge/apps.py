from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KnowledgeConfig(AppConfig):
    name = "kefu.knowledge"
    label = "knowledge"
    verbose_name = _("知识库")

    def ready(self) -> None:
        from kefu.catalog.signals import business_renamed, business_taken_offline
        from kefu.knowledge import receivers

        business_taken_offline.connect(receivers.on_business_taken_offline, dispatch_uid="knowledge.offline")
        business_renamed.connect(receivers.on_business_renamed, dispatch_uid="knowledge.renamed")
