from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = _("Disputes")

    def ready(self) -> None:
        from disputes import (  # noqa: F401  (the actions and the check register on import)
            actions,
            checks,
            converters,
        )

        converters.register()
