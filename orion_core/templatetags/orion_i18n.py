"""``{% language_choices as choices %}``: the language switcher's options, computed once."""

from django import template

from orion_core.i18n import language_choices as choices

register = template.Library()


@register.simple_tag
def language_choices() -> tuple[tuple[str, str], ...]:
    return choices()
