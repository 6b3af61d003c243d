"""Full-text search behind one function, using each database's own index.

SQLite: an FTS5 table with the trigram tokenizer (kept in step by triggers,
see migration 0002) finds the articles containing terms of three or more
characters. PostgreSQL: a pg_trgm GIN index serves ``contains`` filters on
the lower-cased search text. Two-character terms (no index can serve them)
are matched by ``contains`` alone.
Chinese has no spaces, so nothing here splits words: a term is whatever the
reader typed between spaces.
"""

from django.db import connection
from django.db.models import Case, IntegerField, Q, Value, When
from django.db.models.expressions import RawSQL

MAX_QUERY_CHARS = 100
MIN_TERM_CHARS = 2
TRIGRAM = 3


def terms_of(query):
    """The terms of a query, each at least two characters; at most ten of them."""
    words = (query or "")[:MAX_QUERY_CHARS].split()
    return [word for word in dict.fromkeys(words) if len(word) >= MIN_TERM_CHARS][:10]


def search(queryset, query):
    """Articles of ``queryset`` matching every term, title matches first, then newest."""
    terms = terms_of(query)
    if not terms:
        return queryset.none()
    title_hit = Q()
    for term in terms:
        title_hit &= Q(title__icontains=term)
    return matching(queryset, terms).annotate(
        title_match=Case(When(title_hit, then=Value(1)), default=Value(0), output_field=IntegerField())
    ).order_by("-title_match", "-published_at", "-pk")


def matching(queryset, terms):
    """Articles of ``queryset`` containing every one of ``terms`` (see ``terms_of``), in the queryset's order."""
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    if connection.vendor == "sqlite" and long_terms:
        match = " AND ".join('"{}"'.format(term.replace('"', '""')) for term in long_terms)
        queryset = queryset.filter(
            pk__in=RawSQL("SELECT rowid FROM articles_search WHERE articles_search MATCH %s", [match])
        )
        # A trigram phrase matches exactly the texts that contain the term:
        # scanning those texts again would only cost time.
        terms_left = [term for term in terms if term not in long_terms]
    else:
        terms_left = terms
    for term in terms_left:
        # search_text holds the title too, lower-cased. One plain LIKE on one
        # indexed column lets PostgreSQL use its trigram index and re-check its
        # candidates cheaply; with an OR it read every row.
        queryset = queryset.filter(search_text__contains=term.lower())
    return queryset
