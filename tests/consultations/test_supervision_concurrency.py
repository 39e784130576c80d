"""Two supervisions of one case opened at once, or two final reports of one unit: one wins.

Runs on PostgreSQL (two real connections, row locks).
"""

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from consultations import services
from consultations.models import Supervision, SupervisionReport
from tests import scenarios
from tests.disputes.test_concurrency import race

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: set DATABASE_URL (CI runs this against the machine's server)",
    ),
]


def test_two_supervisions_opened_at_once_make_one(world, policies):
    d = scenarios.escalated(world)

    def open_one():
        return services.supervision_open(
            dispute=d,
            actor=world.lgo,
            matter="督促",
            requirement="报告",
            departments=[world.tax],
            due_date=timezone.localdate() + datetime.timedelta(days=3),
        )

    results = race(open_one, open_one)
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    assert [msg for kind, msg in results if kind == "refused"] == [f"案件{d.number}已在督办中。"]
    assert Supervision.objects.count() == 1


def test_two_final_reports_of_one_unit_at_once_make_one(world, policies):
    d = scenarios.supervised(world)
    s = scenarios.supervision_of(d)

    def report():
        return services.supervision_report(
            supervision=s, actor=world.officer_tax, text="已办结", final=True
        )

    results = race(report, report)
    assert sorted(kind for kind, _ in results) == ["ok", "refused"]
    assert SupervisionReport.objects.filter(final=True).count() == 1
