"""The ledger's filter: each query-string parameter selects exactly the cases it names, and the
deadline parameters read together (the tax bureau's overdue cases, not every overdue case the
tax bureau works on)."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.http import QueryDict

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes.models import Dispute, PayerKind
from disputes.services import PartyData, PayerData
from reports.ledger import ledger_cases, ledger_url
from routing import deadlines
from routing.models import Deadline
from tests import scenarios
from tests.conftest import credit_code

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


def numbers(user, query: str) -> set[str]:
    found = ledger_cases(user, QueryDict(query))
    assert not found.form.errors, found.form.errors
    return set(found.qs.values_list("number", flat=True))


def test_the_payer_kind_is_the_representatives(world):
    person = world.make_dispute()
    enterprise = world.make_dispute(
        payers=[
            PartyData(
                payer=PayerData(kind="employer", name="某公司", id_number=credit_code(7)),
                is_representative=True,
            )
        ]
    )
    assert person.payer_kind == PayerKind.INDIVIDUAL
    assert enterprise.payer_kind == PayerKind.ENTERPRISE
    assert numbers(world.supervisor, "payer_kind=enterprise") == {enterprise.number}


def test_received_bounds_include_both_days_in_the_centres_time_zone(world):
    # 23:30 on the 9th in Beijing is the 9th, though it is the 9th 15:30 in UTC.
    early = world.make_dispute(received_at=at("2025-03-09 23:30"))
    late = world.make_dispute(received_at=at("2025-03-10 00:10"))
    assert numbers(world.supervisor, "from=2025-03-10") == {late.number}
    assert numbers(world.supervisor, "to=2025-03-09") == {early.number}
    assert numbers(world.supervisor, "from=2025-03-09&to=2025-03-10") == {
        early.number,
        late.number,
    }


def test_codes_select_centre_area_category_channel_and_insurance(world):
    a = world.make_dispute()
    b = world.make_dispute(centre=world.centre_b, insurance_types=[world.medical_ins])
    refund = world.make_dispute(category=world.category_refund)
    supervisor = world.supervisor
    assert numbers(supervisor, "centre=GB") == {b.number}
    assert numbers(supervisor, "area=140830101") == {b.number}
    assert numbers(supervisor, "area=140830") == {a.number, b.number, refund.number}
    assert numbers(supervisor, "category=refund") == {refund.number}
    assert numbers(supervisor, "insurance=employee_medical") == {b.number}
    assert numbers(supervisor, "channel=window") == {a.number, b.number, refund.number}


def test_an_unknown_code_is_an_error_in_chinese_and_lists_nothing(world):
    world.make_dispute()
    found = ledger_cases(world.supervisor, QueryDict("category=nonesuch&from=yesterday"))
    assert set(found.form.errors) == {"category", "from"}
    assert "选择" in found.form.errors["category"][0]
    assert "日期" in found.form.errors["from"][0]
    assert found.qs.count() == 0


def test_only_the_cases_the_user_sees(world):
    mine = world.make_dispute()
    theirs = world.make_dispute(centre=world.centre_b)
    assert numbers(world.coordinator, "") == {mine.number}
    assert numbers(world.coordinator, "centre=GB") == set()
    assert numbers(world.supervisor, "") == {mine.number, theirs.number}


def test_department_alone_is_lead_or_co_handling(world):
    general = scenarios.joint_handling(world)  # tax leads, HR co-handles
    world.make_dispute()
    assert numbers(world.supervisor, "department=tax") == {general.number}
    assert numbers(world.supervisor, "department=hrss") == {general.number}
    assert numbers(world.supervisor, "department=medical") == set()


def test_the_departments_overdue_cases_are_those_whose_own_limit_is_overdue(world, policies):
    with time_machine.travel(at("2025-03-10 09:30"), tick=False):
        late_tax = scenarios.joint_handling(world)
        answered_by_tax = scenarios.joint_handling(world)
        consultation_services.opinion_give(
            task=DepartmentTask.objects.get(dispute=answered_by_tax, department=world.tax),
            actor=world.officer_tax,
            finding="经核实",
            basis="",
            proposal="补缴",
        )
    with time_machine.travel(at("2025-04-30 10:00"), tick=False):
        deadlines.sweep()
        supervisor = world.supervisor
        # Both have an overdue HR limit; only one an overdue tax limit.
        assert numbers(supervisor, "deadline=overdue_now") == {
            late_tax.number,
            answered_by_tax.number,
        }
        # The tax bureau leads both, so the consolidation limit (passed on 31 March) is its
        # own on both; its opinion is late on one only.
        assert numbers(supervisor, "deadline=overdue_now&department=tax") == {
            late_tax.number,
            answered_by_tax.number,
        }
        assert numbers(
            supervisor, "deadline=overdue_now&department=tax&stage=department_opinion"
        ) == {late_tax.number}
        assert numbers(supervisor, "deadline=overdue_now&department=medical") == set()
        assert numbers(supervisor, "deadline=overdue_now&department=hrss") == {
            late_tax.number,
            answered_by_tax.number,
        }
        assert numbers(supervisor, "deadline=met&department=tax") == {answered_by_tax.number}
        assert numbers(supervisor, "deadline=overdue_ever&stage=department_opinion") == {
            late_tax.number,
            answered_by_tax.number,
        }
        assert Deadline.objects.filter(status=Deadline.Status.OVERDUE).exists()


def test_declined_escalated_and_replied_flags(world):
    declined = scenarios.declined_by_hr(world)
    escalated = scenarios.escalated(world)
    replied = scenarios.replied(world)
    supervisor = world.supervisor
    assert numbers(supervisor, "declined=1") == {declined.number}
    assert numbers(supervisor, "declined=1&department=tax") == set()
    assert escalated.number in numbers(supervisor, "escalated=1")
    assert numbers(supervisor, "replied=1") == {replied.number}


def test_ledger_url_is_stable_and_reads_back(world):
    world.make_dispute()
    url = ledger_url(
        to=datetime.date(2030, 1, 1), category=world.category, escalated=False, department=None
    )
    assert url == "/ledger/?category=contribution_base&to=2030-01-01"
    assert numbers(world.supervisor, url.split("?", 1)[1]) == set(
        Dispute.objects.values_list("number", flat=True)
    )


def test_extended_is_a_granted_extension_of_the_departments_limit(world, policies):
    from routing import services as routing_services

    d = scenarios.joint_handling(world)
    hr_limit = Deadline.objects.get(dispute=d, department=world.hr, stage="department_opinion")
    request = routing_services.extension_request(
        deadline=hr_limit, actor=world.officer_hr, working_days=3, reason="需调取档案"
    )
    assert numbers(world.supervisor, "extended=1") == set()
    routing_services.extension_decide(request=request, actor=world.coordinator, grant=True)
    assert numbers(world.supervisor, "extended=1") == {d.number}
    assert numbers(world.supervisor, "extended=1&department=hrss") == {d.number}
    assert numbers(world.supervisor, "extended=1&department=tax") == set()


def test_a_decline_counts_after_the_part_is_reassigned(world):
    declined = scenarios.declined_by_hr(world)
    consultation_services.task_reassign(
        dispute=declined,
        actor=world.coordinator,
        from_department=world.hr,
        to_department=world.medical,
        reason="属医保局职责",
    )
    scenarios.joint_handling(world)
    supervisor = world.supervisor
    assert numbers(supervisor, "declined=1") == {declined.number}
    assert numbers(supervisor, "declined=1&department=hrss") == {declined.number}
    assert numbers(supervisor, "declined=1&department=medical") == set()


def test_place_is_the_jurisdiction_alone_and_none_the_unclassified(world):
    county_itself = world.make_dispute(jurisdiction=world.county)
    village = world.make_dispute(jurisdiction=world.village_a)
    general = scenarios.joint_handling(world)
    supervisor = world.supervisor
    assert numbers(supervisor, "place=140830") == {county_itself.number}
    assert numbers(supervisor, "place=140830100001") == {village.number}
    assert numbers(supervisor, "area=140830100") == {village.number, general.number}
    assert numbers(supervisor, "classification=none") == {county_itself.number, village.number}
    assert numbers(supervisor, "classification=general") == {general.number}


def test_a_refused_search_says_why_beside_the_other_filters(client, world):
    """A search too short is refused with its message, whatever other filters come with it
    (the refusal used to change the cleaned data while the filters were read: a 500)."""
    world.make_dispute()
    client.force_login(world.supervisor)
    response = client.get("/ledger/", {"q": "王", "centre": world.centre_a.code, "state": "x"})
    assert response.status_code == 200
    assert "请至少输入两个字（姓名、单位名称或案件编号）。" in response.content.decode()
    found = ledger_cases(world.supervisor, QueryDict("q=王&channel=window"))
    assert not found.qs.exists()
    assert "q" in found.form.errors
