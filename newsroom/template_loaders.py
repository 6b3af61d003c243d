"""A cached template loader that keeps one copy of each template per language.

Each copy has its constant ``{% translate "..." %}`` and ``{% static "..." %}``
tags replaced by their escaped text when it is loaded, so a page no longer
looks each message up in the catalog, or each static file up in the storage,
on every render: on the public pages those tags were a sixth of the rendering
time. Anything else (variables, ``as``, filters, ``context``,
``{% blocktranslate %}``) is left to render as usual. A static URL is the
storage's, which is fixed when the storage is made: settings that change it
need a restart, as they do for the storage itself.
"""

from django.template.base import TextNode
from django.template.context import Context
from django.template.defaulttags import AutoEscapeControlNode
from django.template.loaders import cached
from django.templatetags.i18n import TranslateNode
from django.templatetags.static import StaticNode
from django.utils.translation import get_language


class Loader(cached.Loader):
    def cache_key(self, template_name, skip=None):
        return f"{get_language()}:{super().cache_key(template_name, skip)}"

    def get_template(self, template_name, skip=None):
        template = super().get_template(template_name, skip)
        if not getattr(template, "filled_in", False):
            _fill_in_constants(template.nodelist, autoescape=template.engine.autoescape)
            template.filled_in = True
        return template


def _is_literal(expression):
    """A quoted string without filters: parsed as the string itself, or by {% translate %} as a Variable."""
    value = getattr(expression.var, "literal", expression.var)
    return not expression.filters and isinstance(value, str)


def _is_constant(node):
    """Whether a tag renders the same text every time in one language."""
    if isinstance(node, TranslateNode):
        return not (node.asvar or node.message_context) and _is_literal(node.filter_expression)
    return node.varname is None and _is_literal(node.path)  # {% static %}


def _fill_in_constants(nodelist, autoescape):
    for index, node in enumerate(nodelist):
        if isinstance(node, (TranslateNode, StaticNode)):
            if _is_constant(node):
                # The tag's own rendering, done once: the same text, escaping and percent signs.
                nodelist[index] = TextNode(node.render(Context(autoescape=autoescape)))
            continue
        inner_autoescape = node.setting if isinstance(node, AutoEscapeControlNode) else autoescape
        if hasattr(node, "conditions_nodelists"):  # {% if %}: its "nodelist" is a copy of its branches
            branches = [children for _condition, children in node.conditions_nodelists]
        else:
            branches = [getattr(node, attribute, None) for attribute in node.child_nodelists]
        for children in branches:
            if children:
                _fill_in_constants(children, inner_autoescape)
