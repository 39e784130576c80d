from django import template

from disputes import marks, rules
from disputes.timeline import actor_label, label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label_for(action)


@register.filter
def case_marks(row) -> list:
    """The marks (督办, …) a list's row carries: ``disputes.marks``."""
    return marks.marks_of(row)


@register.simple_tag
def timeline_actor(entry, dispute) -> str:
    return actor_label(entry, dispute)


# -- payers' details, shown as ``rules.number_display`` decides ------------------------------
# Each filter takes the value and the display (``{{ party.payer.phone|as_phone:shown }}``), so
# it applies to whichever model holds the detail. Without a display it shows nothing: a
# template that forgets to ask the rule leaks nothing.


def _display(display) -> rules.NumberDisplay:
    return display if isinstance(display, rules.NumberDisplay) else rules.HIDDEN


@register.filter
def as_number(value, display) -> str:
    return _display(display).number(value)


@register.filter
def as_phone(value, display) -> str:
    return _display(display).phone(value)


@register.filter
def as_address(value, display) -> str:
    return _display(display).address(value)


@register.filter
def as_contact(value, display) -> str:
    return _display(display).contact(value)


@register.filter
def as_text(value, display) -> str:
    return _display(display).text(value)


@register.simple_tag(takes_context=True)
def number_display(context, dispute=None) -> rules.NumberDisplay:
    """``{% number_display as numbers %}`` in a list; ``{% number_display dispute as numbers %}``
    on a page of one case that its view did not give a display."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None:
        return rules.HIDDEN
    return rules.number_display(dispute, user)
