from django import template

from disputes.timeline import label_for

register = template.Library()


@register.filter
def action_label(action: str) -> str:
    return label_for(action)
