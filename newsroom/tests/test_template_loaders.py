from django.template import Context, Engine
from django.utils import translation

TEMPLATES = {
    "page.html": '{% load i18n %}<b>{% translate "Search" %}</b>{% if flag %}{% translate "Archive" %}{% endif %}'
                 '{% for _ in "ab" %}<i>{% translate "Newsroom" %}</i>{% endfor %}{% block more %}{% endblock %}',
    "child.html": '{% extends "page.html" %}{% load i18n %}{% block more %}{% translate "Archive" %}{% endblock %}',
    "escaping.html": '{% load i18n %}{% translate "Tom & <Jerry>" %}|'
                     '{% autoescape off %}{% translate "Tom & <Jerry>" %}{% endautoescape %}|'
                     '{% translate "50%% off" %}',
    "dynamic.html": '{% load i18n %}{% translate "Search" as label %}[{{ label }}]{% translate word %}'
                    '{% translate "Search" noop %}{% translate "Search"|upper %}',
    "static.html": '{% load static %}<link href="{% static "css/site.css" %}">{% static "a b&c.css" %}'
                   '{% static name %}{% static "x.css" as url %}[{{ url }}]',
}
LIBRARIES = {"i18n": "django.templatetags.i18n", "static": "django.templatetags.static"}


def engine():
    loaders = [("newsroom.template_loaders.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])]
    return Engine(loaders=loaders, libraries=LIBRARIES)


def render(name, **context):
    return engine().get_template(name).render(Context(context))


def test_each_language_gets_its_own_translated_copy():
    """Constant translations follow the active language, in every branch, loop and inherited block, back and forth."""
    templates = engine()
    for language, expected in [
        ("zh-hans", "<b>搜索</b>归档<i>新闻编辑部</i><i>新闻编辑部</i>归档"),
        ("en", "<b>Search</b>Archive<i>Newsroom</i><i>Newsroom</i>Archive"),
        ("zh-hans", "<b>搜索</b>归档<i>新闻编辑部</i><i>新闻编辑部</i>归档"),
    ]:
        with translation.override(language):
            assert templates.get_template("child.html").render(Context({"flag": True})) == expected


def test_filled_in_text_is_what_the_tag_renders():
    """Every template renders exactly as with Django's own cached loader, in both languages."""
    stock = Engine(loaders=[("django.template.loaders.cached.Loader", [("django.template.loaders.locmem.Loader", TEMPLATES)])],
                   libraries=LIBRARIES)
    ours = engine()
    for language in ("zh-hans", "en"):
        with translation.override(language):
            for name in TEMPLATES:
                context = {"flag": True, "word": "Archive", "name": "img/logo.png"}
                assert ours.get_template(name).render(Context(context)) == stock.get_template(name).render(Context(context))


def test_translations_that_depend_on_the_context_still_render_each_time():
    """Messages kept in a variable, read from one, marked noop or filtered are left to the tag."""
    with translation.override("zh-hans"):
        assert render("dynamic.html", word="Archive") == "[搜索]归档Search搜索"



def test_constant_static_urls_are_asked_of_the_storage_once(monkeypatch):
    """A quoted {% static %} path is looked up when the template loads, not on every render."""
    from django.contrib.staticfiles.storage import staticfiles_storage

    asked = []
    real_url = staticfiles_storage.url
    monkeypatch.setattr(staticfiles_storage, "url", lambda path: asked.append(path) or real_url(path))
    template = engine().get_template("static.html")
    for _ in range(3):
        template.render(Context({"name": "n.css"}))
    assert sorted(set(asked)) == ["a b&c.css", "css/site.css", "n.css", "x.css"]
    assert asked.count("css/site.css") == 1 and asked.count("n.css") == 3 and asked.count("x.css") == 3
