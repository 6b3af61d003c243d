"""Keyset pages of articles, newest first on (published_at, id).

A page starts after the last article of the one before, named by an opaque
cursor: the database walks the date index from there and stops after one
page, so page 500 costs what page 1 costs (an OFFSET would read and drop
every article before it). An article published meanwhile does not shift
the pages a reader is going through.
"""

import base64
import binascii
import datetime

from django.db.models import Q

from .errors import ApiError

EPOCH = datetime.datetime(1970, 1, 1, tzinfo=datetime.timezone.utc)


def encode_cursor(article):
    return _cursor(article.published_at, article.pk)


def _cursor(published_at, pk):
    micros = (published_at - EPOCH) // datetime.timedelta(microseconds=1)
    return base64.urlsafe_b64encode(f"{micros}.{pk}".encode()).decode().rstrip("=")


def decode_cursor(cursor):
    """``(published_at, id)`` of the article a page starts after; a cursor not made here is a 400."""
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("ascii")
        micros, pk = (int(part) for part in text.split("."))
        return EPOCH + datetime.timedelta(microseconds=micros), pk
    except (binascii.Error, UnicodeError, ValueError, OverflowError):
        raise ApiError(400, "invalid", "This is not a cursor from a `next` link.", "cursor") from None


def keyset_page(articles, cursor, limit):
    """The ids of the page of ``articles`` after ``cursor`` (the first page without one), and the next
    page's cursor."""
    articles = articles.order_by("-published_at", "-pk")
    if cursor:
        moment, pk = decode_cursor(cursor)
        # The plain range condition lets the date index bound the walk; the OR breaks ties (as views.around).
        articles = articles.filter(Q(published_at__lte=moment), Q(published_at__lt=moment) | Q(pk__lt=pk))
    rows = list(articles.values_list("published_at", "pk")[: limit + 1])  # one more: is there a next page?
    return [pk for _date, pk in rows[:limit]], (_cursor(*rows[limit - 1]) if len(rows) > limit else None)
