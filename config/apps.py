"""django-axes under a Chinese name in the administration (it ships no zh-hans catalogue; its
models' and admin's messages are translated in ours, locale/zh_Hans)."""

from axes.apps import AppConfig as AxesAppConfig
from django.utils.translation import gettext_lazy as _


class AxesConfig(AxesAppConfig):
    verbose_name = _("Log-in protection")
