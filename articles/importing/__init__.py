"""Import front-matter post files (Hexo, Jekyll, Hugo) as articles.

parse (bytes to front matter and body) -> normalize (to a ``Post``) ->
writer (one transaction per file), driven by ``import_paths``.
"""

from .errors import PostError
from .runner import ImportOptions, ImportReport, UsageError, find_files, import_paths

__all__ = ["ImportOptions", "ImportReport", "PostError", "UsageError", "find_files", "import_paths"]
