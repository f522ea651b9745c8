from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdentityConfig(AppConfig):
    name = "kefu.identity"
    label = "identity"
    verbose_name = _("身份认证")

    def ready(self) -> None:
        # SVC-1: a walk-in is served once authenticated to this member of staff. core (layer 1) asks
        # through kefu.core.scope.may_serve; identity answers with its grants.
        from kefu.core import scope
        from kefu.identity.services.grants import grant_valid

        def authenticated(user, subscriber) -> bool:
            return grant_valid(actor=user, subscriber=subscriber, full=False) is not None

        scope.register_walk_in_check(authenticated)
