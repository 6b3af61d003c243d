from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils import translation
from django.utils.translation import gettext, ngettext
from jinja2 import DictLoader, Environment

from newsroom.jinja2 import environment, messages

TEMPLATES = {
    "page.html": '<b>{{ _("Search") }}</b>{% if flag %}{{ _("Archive") }}{% endif %}'
                 '{% for _x in "ab" %}<i>{{ _("Newsroom") }}</i>{% endfor %}{% block more %}{% endblock %}'
                 '<html lang="{{ get_language() }}">',
    "child.html": '{% extends "page.html" %}{% block more %}{{ _("Archive") }}{% endblock %}',
    "escaping.html": '{{ _("Tom & <Jerry>") }}|{{ _("50%% off") }}|{{ _("%(who)s & co", who="<b>") }}',
    "dynamic.html": '{% set label = _("Search") %}[{{ label }}]{{ _(word) }}{{ _("Search")|upper }}',
    "static.html": '<link href="{{ static("css/site.css") }}">{{ static("a b&c.css") }}{{ static(name) }}',
}
CONTEXT = {"flag": True, "word": "Archive", "name": "img/logo.png"}


def ours():
    return environment(loader=DictLoader(TEMPLATES), autoescape=True)


def stock():
    """Jinja2 as it comes, with the same globals: what every template must render like."""
    env = Environment(loader=DictLoader(TEMPLATES), autoescape=True, extensions=["jinja2.ext.i18n"])
    env.install_gettext_callables(gettext, ngettext, newstyle=True)
    env.globals.update(ours().globals)
    return env


def test_each_language_gets_its_own_compiled_copy():
    """Filled-in translations follow the active language, in every branch, loop and inherited block, back and forth."""
    env = ours()
    for language, expected in [
        ("zh-hans", '<b>搜索</b>归档<i>新闻编辑部</i><i>新闻编辑部</i>归档<html lang="zh-hans">'),
        ("en", '<b>Search</b>Archive<i>Newsroom</i><i>Newsroom</i>Archive<html lang="en">'),
        ("zh-hans", '<b>搜索</b>归档<i>新闻编辑部</i><i>新闻编辑部</i>归档<html lang="zh-hans">'),
    ]:
        with translation.override(language):
            assert env.get_template("child.html").render(flag=True) == expected


def test_filled_in_text_is_what_jinja2_renders():
    """Every template renders exactly as with Jinja2's own i18n extension, in both languages."""
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name in TEMPLATES:
                assert ours().get_template(name).render(CONTEXT) == stock().get_template(name).render(CONTEXT), name


def test_translations_that_depend_on_the_context_still_render_each_time():
    """Messages with variables, kept in a variable, read from one or filtered are left to run."""
    with translation.override("zh-hans"):
        assert ours().get_template("dynamic.html").render(CONTEXT) == "[搜索]归档搜索"
        assert ours().get_template("escaping.html").render(CONTEXT).endswith("|&lt;b&gt; & co")


def test_constant_static_urls_are_asked_of_the_storage_once(monkeypatch):
    """A quoted static() path is looked up when the template compiles, not on every render."""
    asked = []
    real_url = staticfiles_storage.url
    monkeypatch.setattr(staticfiles_storage, "url", lambda path: asked.append(path) or real_url(path))
    template = ours().get_template("static.html")
    for _ in range(3):
        template.render(name="n.css")
    assert asked.count("css/site.css") == 1 and asked.count("a b&c.css") == 1 and asked.count("n.css") == 3


def test_every_message_of_the_site_templates_is_translated():
    """Each text the public templates translate has a Simplified Chinese translation."""
    found = list(messages(Path(settings.BASE_DIR) / "templates"))
    assert len(found) > 40
    with translation.override("zh-hans"):
        untranslated = [(path.name, singular) for path, _line, singular, plural in found
                        if (ngettext(singular, plural, 2) if plural else gettext(singular)) in (singular, plural)]
    assert untranslated == []
