import gettext
import shutil

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command

from newsroom.jinja2 import messages

pytestmark = pytest.mark.skipif(not shutil.which("xgettext"), reason="makemessages needs GNU gettext")


def test_makemessages_keeps_every_message_of_the_site_templates(tmp_path, monkeypatch, settings):
    """Messages of the Jinja2 templates, plurals and variables included, stay in the catalogue with their translations."""
    shutil.copytree(django_settings.BASE_DIR / "templates", tmp_path / "templates")
    shutil.copytree(django_settings.BASE_DIR / "locale", tmp_path / "locale")
    monkeypatch.chdir(tmp_path)
    settings.BASE_DIR, settings.LOCALE_PATHS = tmp_path, [tmp_path / "locale"]

    call_command("makemessages", locale=["zh_Hans"], verbosity=0)
    call_command("compilemessages", locale=["zh_Hans"], verbosity=0)

    catalogue_dir = tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES"
    references = {ref for row in (catalogue_dir / "django.po").read_text().splitlines() if row.startswith("#: ")
                  for ref in row[3:].split()}
    with open(catalogue_dir / "django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    found = list(messages(tmp_path / "templates"))
    assert {singular for _path, _line, singular, plural in found if plural or "%" in singular} >= {
        "Page %(number)s of %(total)s", "%(counter)s result for “%(query)s”"}
    for path, line, singular, plural in found:
        assert f"{path.relative_to(tmp_path)}:{line}" in references
        translated = catalogue.ngettext(singular, plural, 2) if plural else catalogue.gettext(singular)
        assert translated not in (singular, plural), singular
