"""The article body's rich-text editor: django-prose-editor (ProseMirror and Tiptap, BSD).

Chosen because its JavaScript ships built inside the Python package (no CDN,
no npm step at install), it is a plain Django form widget, and its toolbar is
configured by extension names. The editor's schema is a convenience for
editors, never the policy: whatever it posts, the model saves the body
through ``articles.sanitize.clean_html``.

Markup the editor's schema cannot hold (a definition list, a picture inside a
link, a figure with more than one picture...) becomes an "HTML block" that
keeps it as it is (static/admin/newsroom/editor-blocks.js). The figure dialog's "Browse..."
opens the image library's chooser (articles/admin/chooser.py). Unsaved text is
kept in the browser and offered back (static/admin/newsroom/drafts.js).
"""

import base64
import hashlib
import re

from django import forms
from django.forms import Script
from django.urls import reverse_lazy
from django_prose_editor.widgets import AdminProseEditorWidget

# Every extension the toolbar offers, and what the parser needs to keep imported bodies whole.
EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4, 5, 6]},  # the title is the page's <h1> (see sanitize.py)
    "Bold": True,
    "Italic": True,
    "Strike": True,
    "Underline": True,
    "Subscript": True,
    "Superscript": True,
    "Code": True,
    "CodeBlock": True,
    "Link": {"protocols": ["http", "https", "mailto"], "enableTarget": False},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HorizontalRule": True,
    "HardBreak": True,
    "Table": True,
    "TableRow": True,
    "TableHeader": True,
    "TableCell": True,
    "Figure": {"pickerUrl": reverse_lazy("admin:articles_image_chooser")},  # the image library (chooser.py)
    "Caption": True,
    "Image": True,
    "HTMLBlock": True,
    "HTML": True,  # the source (HTML) view
    "History": True,
}


class BodyEditorWidget(AdminProseEditorWidget):
    """The body's textarea, turned into the rich-text editor in the browser."""

    def __init__(self, attrs=None):
        super().__init__(attrs=attrs, config={"extensions": EXTENSIONS}, preset="configurable")

    @property
    def media(self):
        ours = forms.Media(
            css={"all": ["admin/newsroom/editor.css"]},
            js=[Script("admin/newsroom/editor.js", type="module"), Script("admin/newsroom/drafts.js", type="module")],
        )
        return super().media + ours


_IMPORTMAP = re.compile(r'<script type="importmap"[^>]*>(.*?)</script>', re.S)


def script_hashes(media):
    """CSP sources for the inline import map the editor's media renders: scripts on this site
    run only from its own files, and the import map is the one inline script the editor needs."""
    return [
        "'sha256-%s'" % base64.b64encode(hashlib.sha256(content.encode()).digest()).decode()
        for content in _IMPORTMAP.findall(str(media))
    ]
