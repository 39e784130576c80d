"""Filters for the printed forms: money in capitals and dates as Chinese forms write them."""

from django import template
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from reports.documents import formats

register = template.Library()


@register.filter
def capital_yuan(value) -> str:
    """12345.67 → 壹万贰仟叁佰肆拾伍元陆角柒分 (blank for no amount)."""
    if value is None or value == "":
        return ""
    return formats.capital_yuan(value)


@register.filter
def plain_yuan(value) -> str:
    """12345.6 → 12,345.60 (blank for no amount)."""
    if value is None or value == "":
        return ""
    return formats.plain_yuan(value)


@register.filter
def cn_date(value) -> str:
    """A date or datetime → 2026年11月21日."""
    return formats.chinese_date(value)


@register.filter
def cn_datetime(value) -> str:
    """A datetime → 2026年11月21日 14:05."""
    return formats.chinese_datetime(value)


@register.simple_tag
def page_counter_css() -> str:
    """The CSS ``content`` value of the page footer: 第 1 页 共 2 页 in the active language."""
    text = _("Page %(page)s of %(pages)s")
    out = []
    rest = text
    while rest:
        head, sep, tail = rest.partition("%(")
        if head:
            out.append(_css_string(head))
        if not sep:
            break
        name, _close, rest = tail.partition(")s")
        out.append(f"counter({name})")
    return mark_safe(" ".join(out))


def _css_string(text: str) -> str:
    # Inside <style>: no way out of the string or the element.
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("<", "\\3c ")
    return '"' + escaped.replace("\n", " ") + '"'


@register.filter
def css_string(value) -> str:
    """Any text as a quoted CSS string (for ``content:`` in @page boxes)."""
    return mark_safe(_css_string(str(value)))
