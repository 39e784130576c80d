from django import template

from routing.deadlines import provisional_years as _provisional_years

register = template.Library()


@register.simple_tag
def provisional_years():
    return _provisional_years()
