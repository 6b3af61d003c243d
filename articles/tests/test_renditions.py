import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image as PILImage

from articles.models import Image
from articles.renditions import rendition_url, srcset

from .factories import ArticleFactory, ImageFactory
from .test_models import png_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def photo():
    return Image.objects.create(file=SimpleUploadedFile("big.png", png_bytes(1600, 900)))


def test_rendition_is_resized_and_made_once(photo):
    """A rendition is a WebP at most the asked width, written once and then reused."""
    url = rendition_url(photo, 640)
    name = url.removeprefix("/media/")
    with default_storage.open(name) as handle, PILImage.open(handle) as picture:
        assert picture.format == "WEBP" and picture.size == (640, 360)
    modified = default_storage.get_modified_time(name)
    assert rendition_url(photo, 640) == url
    assert default_storage.get_modified_time(name) == modified


def test_srcset_offers_only_smaller_widths(photo):
    """The srcset never upscales: widths at or above the original are left out."""
    small = Image.objects.create(file=SimpleUploadedFile("small.png", png_bytes(500, 300)))
    assert srcset(photo, (320, 640)) [1].count("w,") == 1
    src, widths = srcset(small, (320, 640, 960))
    assert widths.endswith("320w") and "640w" not in widths


def test_remote_images_are_hotlinked_as_they_are():
    """A remote image has no renditions: its own URL is used."""
    image = ImageFactory(source_url="https://img.example.com/a.jpg")
    assert srcset(image, (320,)) == ("https://img.example.com/a.jpg", "")


def test_lists_never_send_the_full_size_upload(client, photo):
    """Cards in lists use renditions with srcset, never the original upload."""
    ArticleFactory(thumbnail=photo, head_image=photo)
    ArticleFactory()  # the lead story is the newest; the photo's article is a card
    page = client.get("/").content.decode()
    assert photo.file.url not in page
    assert 'srcset="/media/renditions/' in page and 'loading="lazy"' in page
