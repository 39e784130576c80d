"""The case page's answers (is the clock paused, what the court still owes, the consultation
flags) are worked out once per page, in a memo that lives for the page, not on the case."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disputes.actions import actions_for
from disputes.memo import case_memo
from routing import services as routing_services
from tests import scenarios

pytestmark = pytest.mark.django_db

CACHED_ATTRIBUTES = ("_is_paused", "_pending_court", "_consultation_flags")


def paused_at_court(world):
    d = scenarios.sent_to_court(world)
    routing_services.case_pause(dispute=d, actor=world.clerk, reason="等待缴费人补充材料")
    return d


def test_asking_for_the_actions_writes_nothing_onto_the_case(world):
    d = paused_at_court(world)
    for user in (world.clerk, world.lgo, world.coordinator):
        keys = [a.key for a in actions_for(d, user)]
        left = [name for name in CACHED_ATTRIBUTES if name in vars(d)]
        assert left == [], (user, keys, left)


def test_the_memo_answers_each_question_once_and_only_inside_its_scope(world):
    d = paused_at_court(world)
    with CaptureQueriesContext(connection) as outside:
        actions_for(d, world.clerk)
        actions_for(d, world.clerk)
    with case_memo(), CaptureQueriesContext(connection) as inside:
        actions_for(d, world.clerk)
        actions_for(d, world.clerk)
    assert len(inside.captured_queries) < len(outside.captured_queries)


def asked(queries, marker) -> int:
    return sum(1 for q in queries if marker in q["sql"])


def test_the_case_page_asks_each_question_once(client, world):
    d = paused_at_court(world)
    client.force_login(world.clerk)
    url = reverse("disputes:detail", args=[d.number])
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    queries = page.captured_queries
    # Both clock actions ask whether the clock is paused; the discipline and court actions and
    # the consultations section all ask for the flags: one query each for the page.
    assert asked(queries, 'SELECT 1 AS "a" FROM "routing_casepause"') == 1
    assert asked(queries, 'AS "court_pending"') == 1
    # The page's budget as it stood when the answers were still kept on the case.
    assert len(queries) <= 34


def test_an_action_page_asks_for_the_pending_court_enforcement_once(client, world):
    d = scenarios.sent_to_court(world)
    client.force_login(world.lgo)
    url = reverse("consultations:court_report", args=[d.number])
    with CaptureQueriesContext(connection) as page:
        response = client.get(url)
    assert response.status_code == 200
    queries = page.captured_queries
    # The view loads it, the action's permission and possibility ask again: one query each.
    assert asked(queries, 'AS "court_pending"') == 1
    assert asked(queries, 'SELECT "consultations_courtenforcement"."id"') == 1
