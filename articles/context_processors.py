from .models import Category


def sections(request):
    """Top-level categories for the site navigation (one query, evaluated only when shown)."""
    return {"sections": Category.objects.filter(parent__isnull=True).order_by("ordering", "name")}
