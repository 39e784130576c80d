import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from demo.organisation import DEFAULT_SEED, DEMO_LOGINS
from demo.services import load_demo


class Command(BaseCommand):
    help = (
        "Install the reference data and the demo county 芮城县 with its centres, one user per "
        "role and demo cases in every state. Safe to run again. --cases N adds N more cases."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--cases",
            type=int,
            default=0,
            metavar="N",
            help="Also add N generated cases (bulk insert, for volume).",
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=DEFAULT_SEED,
            help="Seed of the random generator, for reproducible data.",
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=2000,
            help="Generated cases written per transaction.",
        )
        parser.add_argument(
            "--logins-only",
            action="store_true",
            help="Only print the demo logins (make run shows them again once the centre is up).",
        )

    def handle(self, *args, cases, seed, batch_size, logins_only, **options):
        if logins_only:
            self._print_logins()
            return
        if cases < 0:
            raise CommandError(_("--cases cannot be negative."))
        if batch_size < 1:
            raise CommandError(_("--batch-size must be at least 1."))
        started = time.monotonic()
        self._reported = 0
        self._verbosity = options["verbosity"]
        result = load_demo(cases=cases, seed=seed, batch_size=batch_size, progress=self._progress)
        if result.cases_created:
            self.stdout.write(
                _("Created %(n)d demo cases through the services.") % {"n": result.cases_created}
            )
        else:
            self.stdout.write(_("The demo cases exist already; none added."))
        if result.cases_generated:
            self.stdout.write(_("Generated %(n)d more cases.") % {"n": result.cases_generated})
        self.stdout.write(
            _("Finished in %(seconds).1f s.") % {"seconds": time.monotonic() - started}
        )
        self.stdout.write(self.style.SUCCESS(_("Demo data ready.")))
        self._print_logins()

    def _progress(self, done: int, total: int) -> None:
        # Every 10,000 cases, and at the end.
        if self._verbosity >= 1 and (done == total or done // 10_000 > self._reported // 10_000):
            self.stdout.write(_("… %(done)d of %(total)d cases") % {"done": done, "total": total})
        self._reported = done

    def _print_logins(self) -> None:
        rows = [(_("Username"), _("Password"), _("Role"))]
        rows += [(login.username, login.password, str(login.role)) for login in DEMO_LOGINS]
        width = max(len(row[0]) for row in rows) + 2
        self.stdout.write("")
        self.stdout.write(_("Demo logins:"))
        for username, password, role in rows:
            self.stdout.write(f"  {username.ljust(width)}{password.ljust(12)}{role}")
