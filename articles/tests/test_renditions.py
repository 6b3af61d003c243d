import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
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


def test_deleting_an_image_removes_its_file_and_copies_from_disk(client, photo, django_capture_on_commit_callbacks):
    """A deleted picture is no longer on disk nor served: its upload and every resized copy are gone."""
    copies = [url.removeprefix("/media/") for url in (rendition_url(photo, 320), rendition_url(photo, 640))]
    original = photo.file.name
    with django_capture_on_commit_callbacks(execute=True):
        photo.delete()
    assert not default_storage.exists(original)
    assert not any(default_storage.exists(name) for name in copies)
    assert client.get(f"/media/{original}").status_code == 404


def test_a_file_another_row_uses_stays(photo, django_capture_on_commit_callbacks):
    """Two downloads of one picture share its file: deleting one row keeps the file for the other."""
    twin = Image.objects.create(source_url="https://img.example.com/same.png", file=photo.file.name)
    other = Image.objects.create(source_url="https://img.example.com/also.png", file=photo.file.name)
    with django_capture_on_commit_callbacks(execute=True):
        twin.delete()
    assert default_storage.exists(other.file.name)


def test_nothing_is_deleted_when_the_deletion_rolls_back(photo, django_capture_on_commit_callbacks):
    """Files go only once the row's deletion has committed: a rolled-back deletion keeps them."""
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        photo.delete()
        raise RuntimeError("the admin's transaction fails")
    assert default_storage.exists(photo.file.name)
