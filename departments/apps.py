from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DepartmentsConfig(AppConfig):
    name = "departments"
    verbose_name = _("Organisation")

    def ready(self) -> None:
        from departments import checks, sessions  # noqa: F401  (they register themselves)
