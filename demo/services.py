"""load_demo(): the reference data, the demo county and its cases, in one call."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from demo.bulk import generate_cases
from demo.cases import create_demo_cases
from demo.organisation import DEFAULT_SEED, Demo, install_demo_organisation
from disputes.models import Dispute
from routing.deadlines import sweep
from routing.reference_data import install_reference_data


def replay_deadline_sweeps() -> None:
    """Run the deadline sweep as beat would have over the demo's two months, so that its
    untouched cases carry reminders sent the day before, then overdue marks and
    accountability records, each at its own moment."""
    first = Dispute.objects.order_by("received_at").values_list("received_at", flat=True).first()
    if first is None:
        return
    tz = timezone.get_current_timezone()
    day = timezone.localtime(first).date()
    today = timezone.localdate()
    while day <= today:
        for at in (datetime.time(0, 10), datetime.time(9, 5)):
            moment = datetime.datetime.combine(day, at, tzinfo=tz)
            if moment < timezone.now():
                sweep(now=moment)
        day += datetime.timedelta(days=1)
    sweep()


@dataclass
class DemoResult:
    demo: Demo
    cases_created: int
    cases_generated: int


def load_demo(
    *,
    cases: int = 0,
    seed: int = DEFAULT_SEED,
    batch_size: int = 2000,
    progress: Callable | None = None,
) -> DemoResult:
    """Reference data, the demo county and users, the demo cases (once) and ``cases`` more."""
    install_reference_data()
    with transaction.atomic():
        demo = install_demo_organisation()
    created = 0
    # The demo cases are made once: a county that has cases already keeps what it has.
    if not Dispute.objects.filter(jurisdiction__path__startswith=demo.county.path).exists():
        created = len(create_demo_cases(demo, seed=seed))
        replay_deadline_sweeps()
    generated = generate_cases(demo, cases, seed=seed, batch_size=batch_size, progress=progress)
    return DemoResult(demo, created, generated)
