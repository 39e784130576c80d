from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("Online channels")

    def ready(self) -> None:
        from api import sections  # noqa: F401  (the case page's work-order section registers)
