"""Uploaded pictures from a local MEDIA_ROOT, when no proxy or object storage serves them.

Only the picture types uploads may have are ever served, each as its own type;
anything else in the folder (say, an .html or .svg file put there by other
means) is a 404, so media can never run in a reader's browser. SecurityMiddleware
adds ``nosniff`` as it does to every response.
"""

import mimetypes

from django.conf import settings
from django.http import Http404
from django.views.static import serve

PICTURE_TYPES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})


def serve_media(request, path):
    content_type, encoding = mimetypes.guess_type(path)
    if content_type not in PICTURE_TYPES or encoding:
        raise Http404("not a picture")
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Content-Type"] = content_type
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "public, max-age=86400"
    return response
