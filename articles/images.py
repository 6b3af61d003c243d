"""Checks for picture files, shared by editor uploads and image downloads."""

import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image as PILImage

ALLOWED_FORMATS = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}


def inspect_image(stream, max_pixels=None):
    """Verify that ``stream`` holds a real JPEG/PNG/GIF/WebP picture.

    Returns ``(format, width, height)``; raises ``ValidationError`` naming the
    reason. The pixel limit counts every animation frame, so an animated GIF
    cannot smuggle in a decompression bomb.
    """
    max_pixels = max_pixels or settings.NEWSROOM_MAX_IMAGE_PIXELS
    stream.seek(0)
    try:
        with PILImage.open(stream) as picture:
            fmt = picture.format
            width, height = picture.size
            frames = getattr(picture, "n_frames", 1)
            if fmt not in ALLOWED_FORMATS:
                raise ValidationError(
                    _("Unsupported image format %(format)s: use JPEG, PNG, GIF or WebP.")
                    % {"format": fmt or "?"}
                )
            if width * height * frames > max_pixels:
                raise ValidationError(
                    _("Image too large: %(w)s×%(h)s pixels × %(n)s frames is over the limit of %(max)s pixels.")
                    % {"w": width, "h": height, "n": frames, "max": max_pixels}
                )
            picture.verify()
    except ValidationError:
        raise
    except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
        raise ValidationError(_("Image refused as a decompression bomb: %(reason)s") % {"reason": exc})
    except Exception:
        raise ValidationError(_("The file is not a valid image, or it is damaged."))
    finally:
        stream.seek(0)
    return fmt, width, height


# Markup that makes a "picture" also a page or a script when served or sniffed as such.
POLYGLOT_MARKERS = (b"<script", b"<html", b"<!doctype", b"<svg", b"<iframe", b"<?php", b"<body", b"javascript:")


def refuse_polyglot(stream):
    """Refuse a picture that also carries HTML or script (a polyglot)."""
    stream.seek(0)
    tail = b""
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        window = (tail + chunk).lower()
        for marker in POLYGLOT_MARKERS:
            if marker in window:
                stream.seek(0)
                raise ValidationError(
                    _("The picture also contains web page or script code (%(marker)s); it is refused.")
                    % {"marker": marker.decode()}
                )
        tail = window[-16:]
    stream.seek(0)


def sha256_of(stream):
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(1 << 16), b""):
        digest.update(chunk)
    stream.seek(0)
    return digest.hexdigest()


def validate_upload(upload, exclude_pk=None):
    """Validate an editor's upload; return its SHA-256 so the same file is stored once."""
    from .models import Image

    if upload.size > settings.NEWSROOM_MAX_IMAGE_BYTES:
        raise ValidationError(
            _("File too large: %(size)s bytes, the limit is %(max)s bytes.")
            % {"size": upload.size, "max": settings.NEWSROOM_MAX_IMAGE_BYTES}
        )
    inspect_image(upload)
    refuse_polyglot(upload)
    digest = sha256_of(upload)
    duplicate = Image.objects.filter(sha256=digest).exclude(pk=exclude_pk).first()
    if duplicate:
        raise ValidationError(
            _("This file is already in the library as image #%(pk)s (%(name)s); use that one.")
            % {"pk": duplicate.pk, "name": duplicate}
        )
    return digest
