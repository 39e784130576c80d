"""The two ledger filters the evaluation's figures need (reports.ledger): ``deadline=all_met``
(every closed limit on time, none late: the evaluation's "on time") and ``discipline=1`` (a
refusal whose clue went to the discipline commission: its "decline without good reason"), both
narrowed by ``department`` like the other deadline filters."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import services
from reports.ledger import ledger_cases
from tests import scenarios

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def travel(text: str):
    moment = datetime.datetime.fromisoformat(text).replace(tzinfo=SH)
    return time_machine.travel(moment, tick=False)


def numbers(user, query: str) -> set[str]:
    found = ledger_cases(user, QueryDict(query))
    assert not found.form.errors, found.form.errors
    return set(found.qs.values_list("number", flat=True))


def opinion(w, d, department, officer):
    consultation_services.opinion_give(
        task=DepartmentTask.objects.get(dispute=d, department=department),
        actor=officer,
        finding="经核实",
        basis="",
        proposal="补缴",
    )


def consolidate_and_reply(w, d):
    d = consultation_services.dispute_consolidate(dispute=d, actor=w.coordinator, opinion="汇总")
    services.dispute_reply(dispute=d, actor=w.clerk, text="答复")


def test_all_met_leaves_out_a_case_with_one_of_the_units_limits_late(world, policies):
    """Tax leads both (its opinion and the consolidated reply are its limits): on one its
    opinion came late, its reply on time; on the other both on time."""
    with travel("2025-03-03 09:00"):
        mixed = scenarios.joint_handling(world)
        in_time = scenarios.joint_handling(world)
    with travel("2025-03-05 10:00"):
        for d in (mixed, in_time):
            opinion(world, d, world.hr, world.officer_hr)
        opinion(world, in_time, world.tax, world.officer_tax)
        consolidate_and_reply(world, in_time)
    with travel("2025-03-13 10:00"):  # three working days after the opinion was due
        opinion(world, mixed, world.tax, world.officer_tax)
        consolidate_and_reply(world, mixed)
    supervisor = world.supervisor
    # Met on time (some limit) takes both; all on time only the one never late.
    assert numbers(supervisor, "deadline=met&department=tax") == {mixed.number, in_time.number}
    assert numbers(supervisor, "deadline=late&department=tax") == {mixed.number}
    assert numbers(supervisor, "deadline=all_met&department=tax") == {in_time.number}
    # HR answered both in time: all on time on both; narrowed to a stage, the same.
    assert numbers(supervisor, "deadline=all_met&department=hrss") == {
        mixed.number,
        in_time.number,
    }
    assert numbers(supervisor, "deadline=all_met&department=tax&stage=general_reply") == {
        mixed.number,
        in_time.number,
    }
    # Without a department: any unit's late limit keeps the case out.
    assert numbers(supervisor, "deadline=all_met") == {in_time.number}


def test_discipline_is_a_refusal_referred_to_the_commission(world):
    referred = scenarios.declined_by_hr(world)
    consultation_services.discipline_refer(
        task=DepartmentTask.objects.get(dispute=referred, department=world.hr),
        actor=world.coordinator,
        reason="职责明确仍推诿",
    )
    only_declined = scenarios.declined_by_hr(world)
    supervisor = world.supervisor
    assert numbers(supervisor, "declined=1") == {referred.number, only_declined.number}
    assert numbers(supervisor, "discipline=1") == {referred.number}
    assert numbers(supervisor, "discipline=1&department=hrss") == {referred.number}
    assert numbers(supervisor, "discipline=1&department=tax") == set()


def test_the_farthest_dates_bound_nothing_and_break_nothing(world):
    """Year 1 and 31 December 9999 are dates a form accepts; as bounds they leave every case."""
    d = world.make_dispute()
    supervisor = world.supervisor
    assert numbers(supervisor, "from=0001-01-01&to=9999-12-31") == {d.number}
    assert numbers(supervisor, "closed_from=0001-01-01&closed_to=9999-12-31") == set()
