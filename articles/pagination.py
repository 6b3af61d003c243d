"""Pagination that stays fast on page 50 of a 100,000-article archive."""

from collections.abc import Sequence

from django.core.paginator import Paginator
from django.utils.functional import cached_property

from .caching import remember


class PageArticles(Sequence):
    """The articles of one page, known by id; rows are loaded only when something reads them.

    Cards come from the card cache by id (see ``caching.render_cards``), so
    a list whose cards are all cached never builds its article rows. Slices
    share the rows already loaded.
    """

    def __init__(self, queryset, ids, loaded=None):
        self.queryset, self.ids = queryset, ids
        self._loaded = {} if loaded is None else loaded

    def load(self, ids):
        """The articles with ``ids``, in that order, fetched in one query at most."""
        wanted = [pk for pk in ids if pk not in self._loaded]
        if wanted:
            self._loaded.update((article.pk, article) for article in self.queryset.filter(pk__in=wanted))
        return [self._loaded[pk] for pk in ids if pk in self._loaded]

    def __len__(self):
        return len(self.ids)

    def __getitem__(self, index):
        if isinstance(index, slice):
            return PageArticles(self.queryset, self.ids[index], self._loaded)
        return self.load([self.ids[index]])[0]

    def __iter__(self):
        return iter(self.load(self.ids))

    def __add__(self, other):
        return PageArticles(self.queryset, self.ids + other.ids, self._loaded)


class ArticlePaginator(Paginator):
    """Pages of articles: the total is remembered until content changes, rows are fetched by id.

    Counting every matching row is the slowest query of a list; the total
    only changes with content, so it is cached under ``count_key`` (the
    list's path and filters), and so are each page's ids, found with a narrow
    query. Rows are loaded only for what a page shows uncached, instead of
    building every skipped row.
    """

    def __init__(self, *args, count_key, **kwargs):
        super().__init__(*args, **kwargs)
        self.count_key = count_key

    def _check_object_list_is_ordered(self):
        pass  # every list is ordered (by date, or by rank for a search); checking would build it

    @cached_property
    def count(self):
        return remember("newsroom:count:", self.count_key, compute=lambda: super(ArticlePaginator, self).count)

    def page(self, number):
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        ids = remember(
            "newsroom:page-ids:", self.count_key, bottom, top,
            compute=lambda: list(self.object_list.values_list("pk", flat=True)[bottom:top]),
        )
        return self._get_page(PageArticles(self.object_list, ids), number, self)
