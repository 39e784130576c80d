"""Template helpers shared by every page: form widgets in Bootstrap dress, money, state badges."""

from decimal import ROUND_HALF_UP, Decimal

from django import forms, template
from django.utils.translation import gettext as _

register = template.Library()

_STATE_STYLES = {
    "registered": "secondary",
    "resolved_on_spot": "success",
    "referred": "info",
    "joint_handling": "primary",
    "escalated": "danger",
    "special_handling": "danger",
    "awaiting_reply": "warning",
    "replied": "info",
    "objected": "warning",
    "closed": "success",
    "archived": "dark",
    "withdrawn": "light",
}


@register.filter
def state_style(state: str) -> str:
    return _STATE_STYLES.get(state, "secondary")


@register.filter
def widget_class(bound_field) -> str:
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select) and not isinstance(widget, forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return ""
    return "form-control"


@register.simple_tag
def render_widget(bound_field, css: str = ""):
    classes = " ".join(c for c in (widget_class(bound_field), css) if c)
    if bound_field.errors and classes:
        classes += " is-invalid"
    attrs = {"class": classes} if classes else {}
    return bound_field.as_widget(attrs=attrs)


@register.filter
def is_checkbox(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.CheckboxInput)


@register.filter
def is_choice_list(bound_field) -> bool:
    return isinstance(bound_field.field.widget, forms.RadioSelect | forms.CheckboxSelectMultiple)


@register.filter
def yuan(value) -> str:
    """12345.6 → 12,345.60元 (blank for no amount)."""
    if value is None or value == "":
        return ""
    amount = Decimal(value).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    return _("%(amount)s yuan") % {"amount": f"{amount:,.2f}"}


@register.filter
def month(value) -> str:
    if not value:
        return ""
    return _("%(year)d-%(month)02d") % {"year": value.year, "month": value.month}


@register.simple_tag
def choice_input(choice):
    """One radio button or checkbox of a choice list, in Bootstrap dress."""
    choice.data["attrs"] = {**choice.data.get("attrs", {}), "class": "form-check-input"}
    return choice.tag()


@register.filter
def has_data(form) -> bool:
    """Whether a bound form was given any non-empty value (e.g. a filter is set)."""
    return bool(form.is_bound and any(form.data.get(name) for name in form.fields))
