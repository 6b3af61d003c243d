"""Deletes old revisions of articles, keeping every one readers saw and each article's latest."""

from django.core.management.base import BaseCommand, CommandError

from editorial.revisions import prune


class Command(BaseCommand):
    help = (
        "Deletes old revisions of articles: each article keeps its latest revisions (--keep) "
        "and every revision in which it was published or scheduled."
    )

    def add_arguments(self, parser):
        parser.add_argument("--keep", type=int, default=20, help="Latest revisions each article keeps (default 20).")
        parser.add_argument("--dry-run", action="store_true", help="Only count what would be deleted.")

    def handle(self, *args, keep, dry_run, **options):
        if keep < 1:
            raise CommandError("--keep must be at least 1: an article always keeps its latest revision.")
        count = prune(keep, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Would delete {count} revision(s).")
        else:
            self.stdout.write(f"Deleted {count} revision(s).")
