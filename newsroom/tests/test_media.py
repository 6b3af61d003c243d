import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image as PILImage

pytestmark = pytest.mark.django_db


def png_bytes():
    buffer = io.BytesIO()
    PILImage.new("RGB", (8, 8), "blue").save(buffer, "PNG")
    return buffer.getvalue()


def put(media_root, name, content):
    path = media_root / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return f"/media/{name}"


def test_uploaded_picture_is_served_as_its_type_and_never_sniffed(client, media_root):
    """A picture in MEDIA_ROOT is served as image/png with nosniff and a sandboxing CSP."""
    response = client.get(put(media_root, "images/ab/cd.png", png_bytes()))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert b"".join(response.streaming_content) == png_bytes()


@pytest.mark.parametrize(
    "name",
    ["evil.html", "evil.htm", "evil.svg", "evil.xml", "evil.js", "evil", "evil.png.gz", "evil.txt"],
)
def test_media_that_is_not_a_picture_is_never_served(client, media_root, name):
    """Files with any name but a picture's are a 404, whatever they contain: nothing in media can run."""
    assert client.get(put(media_root, name, b"<script>alert(1)</script>")).status_code == 404


def test_media_paths_cannot_leave_the_media_folder(client, media_root):
    """A path climbing out of MEDIA_ROOT with ../ finds nothing (400 or 404, never the file)."""
    put(media_root.parent, "outside.png", png_bytes())
    client.raise_request_exception = False
    for path in ("/media/../outside.png", "/media/%2e%2e/outside.png", "/media/..%2foutside.png"):
        assert client.get(path).status_code in (400, 404), path


def test_a_saved_image_is_reachable_at_its_url(client, media_root):
    """An image saved through the storage is served at the URL the site links to."""
    from articles.models import Image

    image = Image(alt_text="x")
    image.file.save("photo.png", ContentFile(png_bytes()), save=False)
    response = client.get(image.file.url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
