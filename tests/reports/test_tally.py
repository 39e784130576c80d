"""The dashboard's tally gives the figures the live count gives, for every user it answers for.

A few dozen cases of every kind, received on known days of two months, some of their time limits
overdue (the sweep run past their due day), a decline passed on, an extension granted, cases
escalated, replied, closed and sent to the court; then every figure of every series, read from
the tally, must equal the live count — for each role that oversees, and for the scopes the
tally can express (a period with whole months and loose days, a centre, a town, a department).
"""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict
from django.test import override_settings

from consultations import services as consultation_services
from disputes import followup
from reports import statistics, tally
from reports.models import TallyRow, TallyState
from routing import deadlines
from routing.models import Deadline
from tests import scenarios

ZONE = ZoneInfo("Asia/Shanghai")

SCOPES = [
    "from=2025-01-01&to=2025-12-31",
    "from=2025-03-01&to=2025-03-31",  # one whole month
    "from=2025-03-04&to=2025-04-08",  # loose days at both ends
    "from=2025-03-10&to=2025-03-12",  # days only
    "from=2025-01-01&to=2025-12-31&centre=GA",
    "from=2025-01-01&to=2025-12-31&area=140830100",
    "from=2025-01-01&to=2025-12-31&department=hrss",
    "from=2025-01-01&to=2025-12-31&department=tax",
]
PERSONAS = ["supervisor", "coordinator", "clerk_b", "officer_tax", "officer_hr", "lgo", "leader"]


def at(day):
    """The moment of ``day`` (month, day[, hour]) in 2025, at ten unless said."""
    month, date, hour = (*day, 10)[:3]
    return time_machine.travel(datetime.datetime(2025, month, date, hour, tzinfo=ZONE), tick=False)


@pytest.fixture
def cases(world, policies):
    made = []
    with at((3, 3)):
        made += [scenarios.joint_handling(world) for _ in range(3)]
        made.append(scenarios.declined_by_hr(world))
        made.append(world.make_dispute(centre=world.centre_b, actor=world.clerk_b))
    with at((3, 11)):
        made += [scenarios.escalated(world), scenarios.replied(world), scenarios.closed(world)]
        made.append(world.make_dispute(jurisdiction=world.village_a))
    with at((3, 12)):
        declined = made[3]
        consultation_services.task_reassign(
            dispute=declined,
            actor=world.coordinator,
            from_department=world.hr,
            to_department=world.medical,
            reason="属医保局职责",
        )
        from routing.services import extension_decide, extension_request

        limit = made[0].deadlines.get(stage="department_opinion", department=world.hr)
        request = extension_request(
            deadline=limit, actor=world.officer_hr, working_days=2, reason="需调取档案"
        )
        extension_decide(request=request, actor=world.coordinator, grant=True)
    with at((3, 13)):
        # The payer's rating and the redo: one redone, one rated satisfied, one basically.
        redone = scenarios.dissatisfied(world)
        followup.dispute_redo(dispute=redone, actor=world.coordinator, reason="重新核算")
        made.append(redone)
        for rating in ("satisfied", "basically"):
            rated = scenarios.replied(world)
            followup.record_follow_up(
                dispute=rated, actor=world.clerk, method="phone", satisfaction=rating
            )
            made.append(rated)
    with at((4, 7)):
        made += [scenarios.sent_to_court(world), scenarios.replied(world)]
        made.append(world.make_dispute(centre=world.centre_b, actor=world.clerk_b))
    with at((5, 20)):
        deadlines.sweep()  # the limits of March and April run out
        made.append(scenarios.joint_handling(world))
    assert Deadline.objects.filter(status=Deadline.Status.OVERDUE).exists()
    return made


def figures(user, query, counts):
    scope = statistics.dashboard_scope(user, QueryDict(query))
    assert scope.form.is_valid(), scope.form.errors
    chosen = counts(scope)
    if chosen is None:
        return None
    found = statistics.Dashboard(scope, counts=chosen).figures()
    found["meta"].pop("as_of")
    return found


def live(scope):
    return statistics.Dashboard.live_counts(scope)


def test_the_tally_gives_the_live_figures(world, cases):
    with at((5, 20, 12)):
        tally.refresh()
        for persona in PERSONAS:
            user = getattr(world, persona)
            answered = 0
            for query in SCOPES:
                from_tally = figures(user, query, tally.counts_for)
                if from_tally is None:
                    continue
                answered += 1
                assert from_tally == figures(user, query, live), (persona, query)
            # Each of these users' cases is one unit of the tally: it answers for most scopes.
            assert answered >= 6, (persona, tally.selection_of(user))


def test_the_figures_are_not_empty(world, cases):
    """The comparison above is of real figures, not of two empty lists."""
    with at((5, 20, 12)):
        tally.refresh()
        found = figures(world.supervisor, SCOPES[0], tally.counts_for)
    assert found["totals"][0]["value"] == len(cases)
    assert sum(i["value"] for i in found["overdue_by_department"]) > 0
    assert found["extensions_by_department"][0]["key"] == "hrss"
    assert found["declines_by_department"]
    assert found["court"]
    assert found["satisfaction_by_centre"] and found["satisfaction_by_department"]
    assert found["redo_by_centre"][0]["redone"] == 1 and found["redo_by_department"]


def test_a_refresh_replaces_the_rows_and_records_when(world, cases):
    with at((5, 20, 12)):
        tally.refresh()
        first = TallyRow.objects.count()
        state = tally.refresh()
    assert TallyRow.objects.count() == first == state.rows
    assert state.counted_at == datetime.datetime(2025, 5, 20, 12, tzinfo=ZONE)


@override_settings(REPORTS_TALLY_MAX_AGE=3600)
def test_an_old_tally_is_not_read(world, cases):
    with at((5, 20, 12)):
        tally.refresh()
    scope = statistics.dashboard_scope(world.supervisor, QueryDict(SCOPES[0]))
    scope.form.is_valid()
    with time_machine.travel(datetime.datetime(2025, 5, 20, 12, 59, tzinfo=ZONE), tick=False):
        assert tally.counts_for(scope) is not None
    with time_machine.travel(datetime.datetime(2025, 5, 20, 13, 1, tzinfo=ZONE), tick=False):
        assert tally.counts_for(scope) is None
        # and the dashboard counts live, saying so
        assert statistics.Dashboard(scope).figures()["meta"]["as_of"] is None


def test_no_tally_means_live(world, cases):
    assert not TallyState.objects.exists()
    scope = statistics.dashboard_scope(world.supervisor, QueryDict(SCOPES[0]))
    scope.form.is_valid()
    assert tally.counts_for(scope) is None


def test_a_user_seeing_beyond_one_unit_is_counted_live(world, cases):
    """A case of centre B shared with the tax bureau's group reaches the officer beyond the
    cases the bureau leads or co-handles: the tally cannot say which, so it does not answer."""
    from guardian.shortcuts import assign_perm

    other = cases[4]
    assert world.tax.group_id is not None
    assign_perm("disputes.view_dispute", world.tax.group, other)
    with at((5, 20, 12)):
        tally.refresh()
        assert tally.selection_of(world.officer_tax) is None
        assert figures(world.officer_tax, SCOPES[0], tally.counts_for) is None


def test_a_village_is_counted_live(world, cases):
    with at((5, 20, 12)):
        tally.refresh()
        query = "from=2025-01-01&to=2025-12-31&area=140830100001"
        assert figures(world.supervisor, query, tally.counts_for) is None


def test_the_dashboard_says_how_fresh_its_figures_are(client, world, cases):
    with at((5, 20, 12)):
        tally.refresh()
    client.force_login(world.supervisor)
    with time_machine.travel(datetime.datetime(2025, 5, 20, 12, 5, tzinfo=ZONE), tick=False):
        data = client.get("/dashboard/data/", {"from": "2025-01-01", "to": "2025-12-31"}).json()
        page = client.get("/dashboard/", {"from": "2025-01-01", "to": "2025-12-31"})
    assert data["meta"]["as_of"].startswith("2025-05-20T")
    assert "2025年5月20日 12:00" in page.content.decode()
