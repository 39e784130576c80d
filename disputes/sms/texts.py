"""A template's text: checked (only the placeholders its template offers) and filled in."""

import string

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from disputes.sms.catalogue import TEMPLATES

_FORMATTER = string.Formatter()


def placeholders_of(code: str) -> tuple[str, ...]:
    template = TEMPLATES.get(code)
    return template.placeholders if template is not None else ()


def check_text(text: str, code: str) -> None:
    """Refuse a text with stray braces or placeholders its template does not offer."""
    allowed = placeholders_of(code)
    try:
        fields = [(name, spec, conversion) for _lit, name, spec, conversion in _parse(text)]
    except ValueError as exc:
        raise ValidationError(
            _(
                "The braces do not pair up: a placeholder is written {name}; "
                "a brace on its own is written twice, {{ or }}."
            ),
            code="braces",
        ) from exc
    bad = []
    for name, spec, conversion in fields:
        if name is None:
            continue
        if name not in allowed or spec or conversion:
            shown = "{" + name + (f"!{conversion}" if conversion else "")
            shown += (f":{spec}" if spec else "") + "}"
            if shown not in bad:
                bad.append(shown)
    if bad:
        raise ValidationError(
            _("This template cannot use %(bad)s. It may use: %(allowed)s.")
            % {
                "bad": "、".join(bad),
                "allowed": "、".join("{" + p + "}" for p in allowed) or "—",
            },
            code="placeholder",
        )


def _parse(text: str):
    parsed = list(_FORMATTER.parse(text))
    for _lit, name, spec, _conversion in parsed:
        # A nested field in a format spec ("{a:{b}}") is refused with the spec.
        if name is not None and spec and "{" in spec:
            raise ValueError("nested field")
    return parsed


class _Values(dict):
    def __missing__(self, key):
        return ""


def render(text: str, values: dict) -> str:
    """Fill in the placeholders (a value not known: empty). Texts are checked when saved;
    one that fails here anyway (edited around the admin) is sent as written."""
    clean = _Values({k: "" if v is None else str(v) for k, v in values.items()})
    try:
        return _FORMATTER.vformat(text, (), clean)
    except (ValueError, IndexError, KeyError, AttributeError, TypeError):
        return text
