from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from routing import deadlines


class Command(BaseCommand):
    help = _("Send due deadline reminders and mark overdue deadlines (safe to run at any time).")

    def handle(self, *args, **options):
        result = deadlines.sweep()
        self.stdout.write(str(result))
        for year in deadlines.provisional_years():
            self.stderr.write(
                _(
                    "WARNING: the official holiday arrangement of %(year)d is not entered; "
                    "deadlines in %(year)d are provisional."
                )
                % {"year": year}
            )
