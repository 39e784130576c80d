"""Supervision (督办) on the pages: its actions and section on the case page, the 督办 mark
in the lists and queues, the workbench's list of open supervisions (permissions: the matrix)."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consultations import services
from consultations.models import Supervision
from disputes.models import State
from routing.deadlines import sweep
from tests import scenarios

pytestmark = pytest.mark.django_db

MARK = 'data-mark="supervised"'


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def marked_numbers(html: str) -> set[str]:
    """The case numbers of the rows carrying the 督办 mark (table rows and phone cards)."""
    numbers = set()
    for chunk in html.split("<tr")[1:] + html.split('class="card mb-2 case-card"')[1:]:
        if MARK in chunk.split("</tr>")[0].split("case-card")[0]:
            numbers |= set(re.findall(r"GA-\d{4}-\d{6}", chunk.split("</tr>")[0]))
    return numbers


def test_the_office_opens_the_supervision_from_the_case_page(client, world, policies):
    d = scenarios.escalated(world)
    client.force_login(world.lgo)
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert reverse("consultations:supervise", args=[d.number]) in page
    form = text(client.get(reverse("consultations:supervise", args=[d.number])))
    # The departments handling the case are offered checked.
    assert re.search(rf'value="{world.tax.pk}"[^>]*checked', form)

    due = timezone.localdate() + datetime.timedelta(days=5)
    response = client.post(
        reverse("consultations:supervise", args=[d.number]),
        {
            "expected_state": d.state,
            "matter": "督促核实缴费基数。",
            "requirement": "五日内报告。",
            "departments": [world.tax.pk, world.medical.pk],
            "due_date": due.isoformat(),
        },
    )
    assert response.status_code == 302
    s = Supervision.objects.get()
    assert set(s.departments.all()) == {world.tax, world.medical} and s.due_date == due
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert 'id="supervision"' in page and s.number in page and "督促核实缴费基数。" in page
    assert "领导小组办公室督办" in page  # the timeline's entry
    # Under supervision: no second one is offered, the office may conclude it.
    assert reverse("consultations:supervise", args=[d.number]) not in page
    assert reverse("consultations:supervision_close", args=[d.number]) in page


def test_a_refused_supervision_keeps_what_was_typed(client, world, policies):
    d = scenarios.escalated(world)
    client.force_login(world.lgo)
    response = client.post(
        reverse("consultations:supervise", args=[d.number]),
        {
            "expected_state": d.state,
            "matter": "督促核实缴费基数。",
            "requirement": "",
            "due_date": "x",
        },
    )
    page = text(response)
    assert "督促核实缴费基数。" in page and "该字段是必填项" in page
    assert not Supervision.objects.exists()


def test_the_units_report_and_the_office_concludes_through_the_pages(client, world, policies):
    d = scenarios.supervised(world)
    client.force_login(world.officer_medical)
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert reverse("consultations:supervision_report", args=[d.number]) in page
    response = client.post(
        reverse("consultations:supervision_report", args=[d.number]),
        {"expected_state": d.state, "text": "已核实参保记录。", "final": "on"},
    )
    assert response.status_code == 302
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert "已核实参保记录。" in page and "已最终报告" in page
    # Done: the unit is offered no more report.
    assert reverse("consultations:supervision_report", args=[d.number]) not in page

    client.force_login(world.lgo)
    response = client.post(
        reverse("consultations:supervision_close", args=[d.number]),
        {"expected_state": d.state, "conclusion": "医保局已办结，税务局不再报告。"},
    )
    assert response.status_code == 302
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert "医保局已办结，税务局不再报告。" in page and "督办已办结" in page
    assert reverse("consultations:supervise", args=[d.number]) in page  # a new one may open


def test_a_closed_case_offers_no_supervision(client, world, policies):
    d = scenarios.escalated(world)
    from disputes import services as case_services

    case_services.dispute_withdraw(dispute=d, actor=world.clerk, reason="撤回")
    client.force_login(world.lgo)
    page = text(client.get(reverse("disputes:detail", args=[d.number])))
    assert reverse("consultations:supervise", args=[d.number]) not in page
    response = client.get(reverse("consultations:supervise", args=[d.number]))
    assert response.status_code == 302  # back to the case page, with the reason


# -- the 督办 mark in the lists and queues ---------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "persona"),
    [("disputes:list", "officer_tax"), ("reports:home", "officer_tax"), ("disputes:list", "clerk")],
)
def test_the_lists_mark_the_supervised_cases(client, world, policies, url_name, persona):
    supervised = scenarios.supervised(world)
    other = scenarios.joint_handling(world)
    client.force_login(getattr(world, persona))
    html = text(client.get(reverse(url_name)))
    assert supervised.number in html and other.number in html
    assert marked_numbers(html) == {supervised.number}


def test_a_concluded_supervision_leaves_no_mark(client, world, policies):
    d = scenarios.supervised(world)
    services.supervision_close(
        supervision=scenarios.supervision_of(d), actor=world.lgo, conclusion="办结"
    )
    client.force_login(world.clerk)
    assert marked_numbers(text(client.get(reverse("disputes:list")))) == set()


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in ctx.captured_queries]


@pytest.mark.parametrize("url_name", ["disputes:list", "reports:home"])
def test_the_mark_costs_no_query_and_only_the_pages_rows_ask_it(client, world, policies, url_name):
    cases = [scenarios.escalated(world) for _ in range(3)]
    client.force_login(world.officer_tax)
    url = reverse(url_name)
    before = _queries(client, url)
    for d in cases:
        services.supervision_open(
            dispute=d,
            actor=world.lgo,
            matter="督促",
            requirement="报告",
            departments=[world.tax],
            due_date=timezone.localdate() + datetime.timedelta(days=3),
        )
    after = _queries(client, url)
    assert len(after) == len(before)
    # The count and the walk of the list's keys do not ask it; the page's rows do, once.
    asking = [sql for sql in after if "consultations_supervision" in sql]
    assert len(asking) == 1 and "IN (" in asking[0]


def test_the_officers_task_list_marks_and_lists_the_supervised_matters(client, world, policies):
    d = scenarios.supervised(world)
    other = scenarios.joint_handling(world)
    client.force_login(world.officer_tax)
    html = text(client.get(reverse("consultations:tasks")))
    supervision = scenarios.supervision_of(d)
    listed = html.split('id="supervision-tasks"')[1].split("</table>")[0]
    assert supervision.number in listed and d.number in listed
    assert reverse("consultations:supervision_report", args=[d.number]) in listed
    opinions = html.split('id="opinion-tasks"')[1].split("</table>")[0]
    assert marked_numbers(opinions) == {d.number} and other.number in opinions
    # HR co-handles both cases but is not supervised: its desk lists no supervision.
    client.force_login(world.officer_hr)
    html = text(client.get(reverse("consultations:tasks")))
    assert supervision.number not in html.split('id="supervision-tasks"')[1].split("</table>")[0]


# -- the workbench -------------------------------------------------------------------------


def test_the_workbench_lists_the_open_supervisions_and_marks_the_cases(client, world, policies):
    d = scenarios.supervised(world)
    supervision = scenarios.supervision_of(d)
    services.supervision_report(supervision=supervision, actor=world.officer_tax, text="进展")
    concluded = scenarios.supervised(world)
    services.supervision_close(
        supervision=scenarios.supervision_of(concluded), actor=world.lgo, conclusion="办结"
    )
    client.force_login(world.lgo)
    html = text(client.get(reverse("consultations:workbench")))
    card = html.split('id="supervisions"')[1].split("</table>")[0]
    assert supervision.number in card and d.number in card
    assert scenarios.supervision_of(concluded).number not in card
    row = card.split(f'data-supervision="{supervision.number}"')[1].split("</tr>")[0]
    assert world.tax.name in row and world.medical.name in row
    assert timezone.localdate().strftime("%Y年").lstrip("0") in row  # the due date
    assert "<td>1</td>" in row  # one report so far
    assert "已逾期" not in row
    # The escalated case awaiting the leader carries the mark.
    approval = html.split('id="awaiting-approval"')[1].split("</ul>")[0]
    assert MARK in approval.split(f">{d.number}</a>")[1].split("</li>")[0]
    assert MARK not in approval.split(f">{concluded.number}</a>")[1].split("</li>")[0]


def test_the_workbench_shows_an_overdue_supervision(client, world, policies):
    d = scenarios.supervised(world)
    supervision = scenarios.supervision_of(d)
    with time_machine.travel(timezone.now() + datetime.timedelta(days=20), tick=False):
        sweep()
        client.force_login(world.lgo)
        html = text(client.get(reverse("consultations:workbench")))
    row = html.split(f'data-supervision="{supervision.number}"')[1].split("</tr>")[0]
    assert 'class="table-danger"' in html.split(f'data-supervision="{supervision.number}"')[0][-40:]
    assert "已逾期" in row and "个工作日" in row
    assert d.state == State.ESCALATED


def test_the_leaders_workbench_lists_the_supervisions_of_the_cases_the_leader_sees(
    client, world, policies
):
    d = scenarios.supervised(world)
    client.force_login(world.leader)
    html = text(client.get(reverse("consultations:workbench")))
    card = html.split('id="supervisions"')[1].split("</table>")[0]
    assert scenarios.supervision_of(d).number in card and d.number in card
