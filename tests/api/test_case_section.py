"""The case page shows, for a case an integrating system handed in, the system, the
work-order number and the system's own deadline (办理时限), at the cost of one query."""

import datetime

import pytest
import time_machine
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from api.models import ChannelSystem, WorkOrder
from api.sections import work_order_section
from tests import scenarios

pytestmark = pytest.mark.django_db

SH = datetime.timezone(datetime.timedelta(hours=8))
DUE = datetime.datetime(2026, 12, 10, 18, 0, tzinfo=SH)


@pytest.fixture
def system(world):
    return ChannelSystem.objects.create(
        name="12345热线", code="hotline-12345", channel=scenarios.online_channel(world)
    )


def handed_in(world, system, *, due_at=DUE, number="GD20261203-0001"):
    d = scenarios.registered_online(world, delivered_by=system.user)
    WorkOrder.objects.create(
        system=system, number=number, dispute=d, fingerprint="0" * 64, due_at=due_at
    )
    return d


def case_page(client, world, d):
    client.force_login(world.clerk)
    response = client.get(reverse("disputes:detail", args=[d.number]))
    assert response.status_code == 200
    return response.content.decode()


def section_of(body: str) -> str:
    start = body.index('id="work-order"')
    return body[start : body.index("</dl>", start)]


def test_the_page_shows_the_system_the_number_and_the_deadline_in_chinese(client, world, system):
    d = handed_in(world, system)
    with time_machine.travel(DUE - datetime.timedelta(days=2), tick=False):
        section = section_of(case_page(client, world, d))
    assert "12345热线" in section
    assert "工单编号" in section and "GD20261203-0001" in section
    assert "办理时限" in section and "2026年12月10日 18:00" in section
    assert 'data-past-due="no"' in section and "未超时限" in section


def test_it_says_when_the_deadline_has_passed(client, world, system):
    d = handed_in(world, system)
    with time_machine.travel(DUE + datetime.timedelta(minutes=1), tick=False):
        section = section_of(case_page(client, world, d))
    assert 'data-past-due="yes"' in section and "已超时限" in section


def test_a_work_order_without_a_deadline_says_so(client, world, system):
    d = handed_in(world, system, due_at=None)
    section = section_of(case_page(client, world, d))
    assert "未规定" in section and "data-past-due" not in section


def test_a_case_no_system_handed_in_has_no_section_and_costs_no_query(client, world):
    window = world.make_dispute()
    online_form = scenarios.registered_online(world)  # a payer's own application: no system
    for d in (window, online_form):
        assert 'id="work-order"' not in case_page(client, world, d)
        request = RequestFactory().get("/")
        request.user = world.clerk
        with CaptureQueriesContext(connection) as queries:
            assert work_order_section(request, d) is None
        assert len(queries.captured_queries) == 0


def test_the_section_costs_the_page_one_query(client, world, system):
    """The same page, for a case handed in by a system and for one that was not: one query
    more, the work order with its system."""
    plain = scenarios.registered_online(world)
    delivered = handed_in(world, system)
    client.force_login(world.clerk)
    client.get(reverse("disputes:detail", args=[plain.number]))  # what a first page caches
    counts = []
    for d in (plain, delivered):
        with CaptureQueriesContext(connection) as page:
            response = client.get(reverse("disputes:detail", args=[d.number]))
        assert response.status_code == 200
        counts.append(page.captured_queries)
    assert len(counts[1]) == len(counts[0]) + 1
    orders = [q for q in counts[1] if 'FROM "api_workorder"' in q["sql"]]
    assert len(orders) == 1 and 'INNER JOIN "api_channelsystem"' in orders[0]["sql"]
