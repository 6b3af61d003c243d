"""Django's makemessages, which also finds every message of the site's Jinja2 templates.

Django's own reads ``templates/`` as Django templates: it finds ``_("...")``
but not messages with variables or plurals, and would mark their
translations obsolete.
"""

import os

from django.conf import settings
from django.core.management.commands import makemessages

from newsroom.jinja2 import messages


def _quoted(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _entry(path, line, singular, plural):
    lines = [f"#: {path.relative_to(settings.BASE_DIR)}:{line}"]
    if "%" in singular:  # Jinja2 formats every message with %
        lines.append("#, python-format")
    lines.append(f"msgid {_quoted(singular)}")
    if plural:
        lines += [f"msgid_plural {_quoted(plural)}", 'msgstr[0] ""', 'msgstr[1] ""']
    else:
        lines.append('msgstr ""')
    return "\n".join(lines) + "\n\n"


class Command(makemessages.Command):
    def process_files(self, file_list):
        super().process_files(file_list)
        potfile = self.default_locale_path and f"{self.default_locale_path}/{self.domain}.pot"
        if self.domain != "django" or not potfile:
            return
        # Appended to what Django found; build_potfiles() then merges duplicates with msguniq.
        header = "" if os.path.exists(potfile) else 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
        with open(potfile, "a", encoding="utf-8") as pot:
            pot.write(header)
            for found in messages(settings.BASE_DIR / "templates"):
                pot.write(_entry(*found))
