"""Resized copies of uploaded images, made once with Pillow and kept in media storage.

Remote (hotlinked) images are served as they are: there is nothing to resize.
When an image row is deleted, its file and copies go too, once no row uses them.
"""

import io
import logging

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from PIL import Image as PILImage
from PIL import ImageOps

logger = logging.getLogger(__name__)

CARD_WIDTHS = (320, 640)
ARTICLE_WIDTHS = (640, 960, 1280)


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


def srcset(image, widths):
    """``(src, srcset)`` for an image: renditions for uploads, the URL itself for remote images."""
    if not image.file:
        return image.url, ""
    usable = [w for w in widths if not image.width or w < image.width] or [widths[0]]
    urls = [(rendition_url(image, w), w) for w in usable]
    return urls[0][0], ", ".join(f"{url} {w}w" for url, w in urls)


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
