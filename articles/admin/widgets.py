"""Small pieces the admin pages share."""

from django.utils.html import format_html


def image_tag(image, size):
    if image is None or not image.url:
        return "—"
    return format_html(
        '<img src="{}" alt="" loading="lazy" referrerpolicy="no-referrer" '
        'style="max-width:{}px;max-height:{}px;object-fit:cover">',
        image.url,
        size,
        size,
    )
