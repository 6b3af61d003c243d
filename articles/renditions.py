"""Resized copies of uploaded images, made once with Pillow and kept in media storage.

Remote (hotlinked) images are served as they are: there is nothing to resize.
When an image row is deleted, its file and copies go too, once no row uses them.
"""

import html
import io
import logging
import re
from urllib.parse import unquote

from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps

logger = logging.getLogger(__name__)

CARD_WIDTHS = (320, 640)
ARTICLE_WIDTHS = (640, 960, 1280)
ARTICLE_SIZES = "(max-width: 48rem) 100vw, 44rem"


def rendition_name(image, width):
    return f"renditions/{image.sha256 or image.pk}-{width}.webp"


def rendition_url(image, width):
    """URL of ``image`` at most ``width`` pixels wide (WebP), making the file on first use."""
    name = rendition_name(image, width)
    if not default_storage.exists(name):
        try:
            with image.file.open("rb") as source, PILImage.open(source) as picture:
                picture = ImageOps.exif_transpose(picture)
                picture.thumbnail((width, width * 4))
                if picture.mode not in ("RGB", "RGBA"):
                    picture = picture.convert("RGBA" if "transparency" in picture.info else "RGB")
                buffer = io.BytesIO()
                picture.save(buffer, "WEBP", quality=80, method=4)
            default_storage.save(name, ContentFile(buffer.getvalue()))
        except (OSError, ValueError):
            logger.warning("cannot make a %spx rendition of image %s", width, image.pk, exc_info=True)
            return image.file.url
    return default_storage.url(name)


def renditions(image, widths):
    """``[(url, width)]`` of an uploaded image's resized copies no wider than itself; none for remote images."""
    if not image.file:
        return []
    usable = [w for w in widths if not image.width or w < image.width] or [widths[0]]
    return [(rendition_url(image, w), w) for w in usable]


def srcset(image, widths):
    """``(src, srcset)`` for an image: renditions for uploads, the URL itself for remote images."""
    urls = renditions(image, widths)
    if not urls:
        return image.url, ""
    return urls[0][0], ", ".join(f"{url} {w}w" for url, w in urls)


_IMG = re.compile(r"""<img\b(?:[^>"']|"[^"]*"|'[^']*')*>""")
_ATTR = re.compile(r"""([^\s="'/>]+)=("[^"]*"|'[^']*')""")  # values kept quoted, as the policy wrote them
_SET_HERE = {"srcset", "sizes", "width", "height", "loading", "fetchpriority"}


def enrich_body(body, lead=False):
    """Library pictures in a sanitized body, served like head images: renditions, sizes and dimensions.

    Only ``<img>`` whose ``src`` is the stored file of an uploaded image is touched, and what is
    added comes from its row, never from the body; remote pictures stay as they are. The
    attributes set here are first removed (the policy keeps ``width`` and ``height``), so a body
    cleaned and enriched again comes out the same. ``lead``: the body's first picture is the
    page's first (no head image shown above it), so it loads at once.
    """
    tags = _IMG.findall(body)
    srcs = {_src(tag) for tag in tags}
    prefix = default_storage.url("")
    names = {unquote(src.removeprefix(prefix)) for src in srcs if src.startswith(prefix) and src != prefix}
    if not names:
        return body
    model = apps.get_model("articles", "Image")
    images = {image.file.url: image for image in model.objects.filter(file__in=names).exclude(file="")}
    first = _IMG.search(body).start()

    def enriched(match):
        image = images.get(_src(match.group(0)))
        if image is None:
            return match.group(0)
        attrs = _ATTR.findall(match.group(0))
        attrs = [(name, value) for name, value in attrs if name not in _SET_HERE]
        if image.width and image.height:
            attrs += [("width", f'"{image.width}"'), ("height", f'"{image.height}"')]
        _, widths = srcset(image, ARTICLE_WIDTHS)
        if widths:
            attrs += [("srcset", f'"{html.escape(widths)}"'), ("sizes", f'"{ARTICLE_SIZES}"')]
        attrs.append(("fetchpriority", '"high"') if lead and match.start() == first else ("loading", '"lazy"'))
        return "<img " + " ".join(f"{name}={value}" for name, value in attrs) + ">"

    return _IMG.sub(enriched, body)


def _src(tag):
    value = dict(_ATTR.findall(tag)).get("src", '""')
    return html.unescape(value[1:-1])


def delete_files(sender, instance, **kwargs):
    """Signal receiver (post_delete of Image): remove its file and resized copies after the commit,
    unless another row still uses them (downloads of the same picture from two URLs share a file)."""
    name = instance.file.name if instance.file else ""
    copies = [rendition_name(instance, width) for width in sorted({*CARD_WIDTHS, *ARTICLE_WIDTHS})]
    transaction.on_commit(lambda: _delete_unused(type(instance), name, instance.sha256, copies))


def _delete_unused(model, name, sha256, copies):
    if name and not model.objects.filter(file=name).exists():
        default_storage.delete(name)
    if not (sha256 and model.objects.filter(sha256=sha256).exists()):
        for copy in copies:
            default_storage.delete(copy)
