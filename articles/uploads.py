"""An upload handler that stops storing a file as soon as it passes the image size limit."""

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.utils.translation import gettext as _


class SizeLimitUploadHandler(FileUploadHandler):
    """Counts each uploaded file's bytes and skips the rest of a file over the limit.

    The refused file is neither kept in memory nor written to disk; the field
    name and reason are left on the request (``request.refused_uploads``)
    so the form can say why, instead of "this field is required".
    """

    def new_file(self, field_name, *args, **kwargs):
        super().new_file(field_name, *args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        limit = settings.NEWSROOM_MAX_IMAGE_BYTES
        if self.received > limit:
            refused = getattr(self.request, "refused_uploads", {})
            refused[self.field_name] = _("File too large: over the limit of %(max)s bytes.") % {"max": limit}
            self.request.refused_uploads = refused
            raise SkipFile()
        return raw_data

    def file_complete(self, file_size):
        return None  # the next handler stores the file
