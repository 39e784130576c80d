from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Online channels")

    def ready(self) -> None:
        from django.db.models.signals import post_save
        from django_fsm.signals import post_transition

        from api import (  # noqa: F401  (the check, the case section, the schema's extension)
            checks,
            converters,
            handlers,
            schema,
            sections,
        )
        from disputes.models import Dispute, TimelineEntry
        from routing.models import ExtensionRequest

        converters.register()
        post_transition.connect(handlers.on_transition, sender=Dispute)
        post_save.connect(handlers.on_timeline_entry, sender=TimelineEntry)
        post_save.connect(handlers.on_extension_requested, sender=ExtensionRequest)
