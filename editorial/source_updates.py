"""Newer source versions of edited articles, waiting for an editor to accept or dismiss them."""


def urls(model_admin):
    return []


def form_context(request, article):
    """What the article's change form shows of a waiting source version."""
    return {}
