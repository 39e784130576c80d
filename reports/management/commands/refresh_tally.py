from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reports import tally


class Command(BaseCommand):
    help = "Count the dashboard's tally again (what the beat job does every REPORTS_TALLY_SECONDS)."

    def handle(self, *args, **options):
        state = tally.refresh()
        self.stdout.write(
            _("Dashboard tally counted: %(rows)s rows in %(seconds).1f s.")
            % {"rows": state.rows, "seconds": state.seconds}
        )
