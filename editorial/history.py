"""An article's history: its revisions newest first, any two compared, any one restored."""


def urls(model_admin):
    return []


def history_view(model_admin, request, object_id, extra_context=None):
    from reversion.admin import VersionAdmin

    return VersionAdmin.history_view(model_admin, request, object_id, extra_context)
