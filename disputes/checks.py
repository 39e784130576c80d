"""System check: stored files must have no URL.

Attachments and archived documents live under MEDIA_ROOT and leave the system only through
the views that check who may see the case. A MEDIA_ROOT inside a folder WhiteNoise or
``collectstatic`` serves (STATIC_ROOT, STATICFILES_DIRS) would put every one of them on the
web at its storage path.
"""

from pathlib import Path

from django.conf import settings
from django.core.checks import Error, register
from django.utils.translation import gettext as _


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


@register("security")
def check_media_not_served(app_configs=None, **kwargs):
    media = Path(settings.MEDIA_ROOT).resolve()
    served = [Path(settings.STATIC_ROOT)] if settings.STATIC_ROOT else []
    served += [Path(d[1] if isinstance(d, tuple | list) else d) for d in settings.STATICFILES_DIRS]
    return [
        Error(
            _("MEDIA_ROOT (%(media)s) lies inside %(static)s, which is served as static files.")
            % {"media": media, "static": folder},
            hint=_("Keep uploaded and archived files in a folder of their own."),
            id="disputes.E001",
        )
        for folder in (f.resolve() for f in served)
        if _inside(media, folder)
    ]
