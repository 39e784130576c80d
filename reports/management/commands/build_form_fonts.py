import time

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports.documents import fonts


class Command(BaseCommand):
    help = _(
        "Cut the CJK faces the forms print with to the characters they use (GB 2312 and the "
        "punctuation), into VAR_DIR/fonts: PDF documents then render in about two thirds of the "
        "time, at half the size. "
        "Run once after installing or upgrading the fonts; copies still current are kept."
    )

    # The checks would warn that the faces are not cut yet: what this command is about to do.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help=_("cut every face again, even when current")
        )

    def handle(self, *args, force=False, **options):
        started = time.perf_counter()
        say = (lambda message: self.stdout.write(message)) if options["verbosity"] > 1 else None
        cuts = fonts.build_cut_fonts(force=force, log=say)
        if options["verbosity"]:
            self.stdout.write(
                _("%(count)d of %(total)d faces cut, in %(dir)s (%(seconds).1f s).")
                % {
                    "count": len(cuts),
                    "total": len(fonts.FACES),
                    "dir": fonts.fonts_dir(),
                    "seconds": time.perf_counter() - started,
                }
            )
