"""System checks of the disputes app.

Stored files must have no URL: attachments and archived documents live under MEDIA_ROOT and
leave the system only through the views that check who may see the case. A MEDIA_ROOT inside a
folder WhiteNoise or ``collectstatic`` serves (STATIC_ROOT, STATICFILES_DIRS) would put every
one of them on the web at its storage path.

Every guard a transition names must have a check registered under that name: a guard nobody
registered refuses its transition for good (it fails closed), which is a deployment error to
be told at start-up, not found by a user whose case cannot be archived.
"""

from pathlib import Path

from django.apps import apps
from django.conf import settings
from django.core.checks import Error, register
from django.utils.translation import gettext as _

from disputes import conditions, fsm


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


@register()
def check_guards_registered(app_configs=None, **kwargs):
    used: dict[str, list[str]] = {}
    for model in apps.get_models():
        for t in fsm.all_transitions(model):
            for condition in t.conditions:
                if isinstance(condition, conditions.Guard):
                    where = f"{model._meta.label}.{t.name}"
                    if where not in used.setdefault(condition.name, []):
                        used[condition.name].append(where)
    return [
        Error(
            _(
                "No check is registered for the guard “%(guard)s” of %(transitions)s, so "
                "these transitions are always refused."
            )
            % {"guard": name, "transitions": ", ".join(where)},
            hint=_(
                "Register it with disputes.conditions.register() in the ready() of the app "
                "that owns the rule, check the spelling, and check that the app is in "
                "INSTALLED_APPS."
            ),
            obj=name,
            id="disputes.E002",
        )
        for name, where in sorted(used.items())
        if not conditions.is_registered(name)
    ]


@register("database")
def check_database_encoding(app_configs=None, databases=None, **kwargs):
    from django.db import connections

    found = (encoding_error(connections[alias]) for alias in databases or ())
    return [error for error in found if error is not None]


def encoding_error(connection) -> Error | None:
    """PostgreSQL must store text as UTF-8: names and addresses are Chinese, and the search's
    index (``disputes_bigrams()``) cuts text into two-character pieces, which a single-byte
    encoding would cut into bytes. Any LC_COLLATE/LC_CTYPE serves (Chinese has no case)."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_encoding")
        encoding = cursor.fetchone()[0]
    if encoding.upper().replace("-", "") == "UTF8":
        return None
    return Error(
        _("The database %(name)s stores text as %(encoding)s, not UTF-8.")
        % {"name": connection.settings_dict["NAME"], "encoding": encoding},
        hint=_(
            "Create the database with ENCODING 'UTF8' (for example: createdb -E UTF8 "
            "-T template0 NAME) and load the data into it again."
        ),
        id="disputes.E003",
    )
