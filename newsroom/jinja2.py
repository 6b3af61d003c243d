"""The Jinja2 environment of the site's own templates (``templates/``).

Readers' pages are Jinja2 rather than Django templates because Jinja2 compiles
a template to Python once, where Django's engine walks its nodes on every
render: that walk was most of an uncached page. Django's admin keeps its own
templates and engine. The globals and filters below are the Django tags and
filters those templates use, under the same names.

Each template is compiled once per language, with what cannot change in that
language written into it: ``_("...")`` with no variables, ``static("...")``
and ``get_language()``. Most of a page's chrome is then one constant string,
where each of those calls had cost more than printing a variable. A static
URL is the storage's, fixed when the storage is made: settings that change it
need a restart, as they do for the storage itself.
"""

from pathlib import Path
from types import SimpleNamespace

from django.conf import settings
from django.template import defaultfilters, defaulttags
from django.templatetags.static import static
from django.urls import reverse
from django.utils.timezone import template_localtime
from django.utils.translation import get_language, gettext, ngettext
from jinja2 import Environment, nodes, pass_context
from jinja2.visitor import NodeTransformer
from markupsafe import Markup

from articles import markup


def url(viewname, *args, **kwargs):
    return reverse(viewname, args=args or None, kwargs=kwargs or None)


def date(value, format=None):
    """Django's ``date`` filter, in the current time zone as in Django templates."""
    return defaultfilters.date(template_localtime(value), format)


@pass_context
def querystring(context, **changes):
    """Django's ``{% querystring %}``: this page's query with ``changes`` made."""
    return defaulttags.querystring(SimpleNamespace(request=context["request"]), **changes)


class TemplatesByLanguage(dict):
    """Jinja2's cache of compiled templates, with the active language in every key."""

    def get(self, key, default=None):
        return super().get((get_language(), key), default)

    def __setitem__(self, key, value):
        super().__setitem__((get_language(), key), value)


class _FillInConstants(NodeTransformer):
    """Replace calls that give the same text every time in the active language by that text."""

    def visit_Call(self, node):
        node = self.generic_visit(node)
        name = node.node.name if isinstance(node.node, nodes.Name) else None
        if node.kwargs or node.dyn_args or node.dyn_kwargs or name not in ("_", "static", "get_language"):
            return node
        args = [arg.value for arg in node.args if isinstance(arg, nodes.Const) and isinstance(arg.value, str)]
        if len(args) != len(node.args):
            return node
        if name == "_" and len(args) == 1:  # as jinja2.ext.i18n renders it: trusted text, %% unescaped
            return nodes.MarkSafe(nodes.Const(Markup(gettext(args[0])) % {}), lineno=node.lineno)
        if name == "static" and len(args) == 1:
            return nodes.Const(static(args[0]), lineno=node.lineno)
        if name == "get_language" and not args:
            return nodes.Const(get_language(), lineno=node.lineno)
        return node


class PageEnvironment(Environment):
    """Jinja2 with Django's translations, compiling each template once per language with its constants written in."""

    def __init__(self, **options):
        super().__init__(extensions=["jinja2.ext.i18n"], keep_trailing_newline=True, **options)
        self.cache = TemplatesByLanguage()
        self.install_gettext_callables(gettext, ngettext, newstyle=True)

    def compile(self, source, name=None, filename=None, raw=False, defer_init=False):
        if isinstance(source, str):
            source = _FillInConstants().visit(self.parse(source, name, filename))
            source.set_environment(self)
        return super().compile(source, name, filename, raw, defer_init)


def messages(directory):
    """(path, line, singular, plural or None) of each message in the templates under ``directory``.

    Django's makemessages reads templates as Django templates and misses
    messages with variables; the project's makemessages adds these.
    """
    env = PageEnvironment()  # extraction needs the i18n extension only
    for path in sorted(Path(directory).rglob("*.*")):
        for line, _function, message in env.extract_translations(path.read_text(encoding="utf-8")):
            strings = [message] if isinstance(message, str) else [part for part in message if part]
            yield path, line, strings[0], strings[1] if len(strings) > 1 else None


def environment(**options):
    env = PageEnvironment(**options)
    env.globals.update(
        static=static, url=url, querystring=querystring, get_language=get_language,
        picture=markup.picture, article_cards=markup.article_cards, article_json_ld=markup.article_json_ld,
        site_name=lambda: str(settings.NEWSROOM_SITE_NAME),  # for pages rendered without a request (500)
    )
    env.filters.update(date=date, highlight=markup.highlight)
    return env
