"""A county's year of cases with known outcomes, for the dashboard's tests: each step taken on a
known day with time_machine, so that the limits met, met late and still overdue fall on known
working days (2025, whose official calendar ``chinesecalendar`` knows).

``build_county(world)`` returns the cases by name. ``NOW`` is the moment the tests read the
figures at; the sweep has run at it, so what is overdue then is marked so.
"""

import datetime
from zoneinfo import ZoneInfo

import time_machine

from consultations import services as consultation_services
from consultations.models import CourtEnforcement, DepartmentTask
from disputes import followup, services
from disputes.models import Channel
from disputes.services import PartyData, PayerData
from routing import deadlines
from routing import services as routing_services
from routing.models import Deadline, Stage
from tests import scenarios
from tests.conftest import credit_code, resident_id

SH = ZoneInfo("Asia/Shanghai")


def at(text: str) -> datetime.datetime:
    return datetime.datetime.fromisoformat(text).replace(tzinfo=SH)


NOW = at("2025-06-20 10:00")  # a Friday


def travel(text: str):
    return time_machine.travel(at(text), tick=False)


def enterprise(serial: int) -> list[PartyData]:
    return [
        PartyData(
            payer=PayerData(kind="employer", name=f"某公司{serial}", id_number=credit_code(serial)),
            is_representative=True,
        )
    ]


def resident(serial: int) -> list[PartyData]:
    return [
        PartyData(
            payer=PayerData(kind="resident", name="城乡居民", id_number=resident_id(500 + serial)),
            is_representative=True,
        )
    ]


def task(d, department) -> DepartmentTask:
    return DepartmentTask.objects.get(
        dispute=d, department=department, status=DepartmentTask.Status.PENDING
    )


def opinion(w, d, department, officer) -> None:
    consultation_services.opinion_give(
        task=task(d, department), actor=officer, finding="经核实", basis="", proposal="补缴"
    )


def visit(w, d, satisfaction: str, remarks: str = "") -> None:
    followup.record_follow_up(
        dispute=d,
        actor=w.clerk,
        method="phone",
        contact="缴费人",
        satisfaction=satisfaction,
        remarks=remarks,
    )


def build_county(w) -> dict:
    scenarios.default_policies()
    w.hotline = Channel.objects.create(code="hotline", name="12345热线")
    c = {}
    # Received the last evening of 2024: outside this year's dashboard.
    with travel("2024-12-31 23:30"):
        c["old"] = w.make_dispute()

    # January: registered only, never classified (the centre's limit runs out, no department's).
    with travel("2025-01-06 09:00"):
        c["village"] = w.make_dispute(jurisdiction=w.village_a)
        c["county_itself"] = w.make_dispute(jurisdiction=w.county, category=w.category_refund)
        c["resident"] = w.make_dispute(channel=w.hotline, payers=resident(1))
    with travel("2025-01-20 09:00"):
        c["jan_general"] = scenarios.joint_handling(w)
    with travel("2025-01-21 15:00"):
        opinion(w, c["jan_general"], w.tax, w.officer_tax)
        opinion(w, c["jan_general"], w.hr, w.officer_hr)

    # February: tax leads and HR co-handles four cases received on Monday 10 February.
    with travel("2025-02-10 09:00"):
        for name in ("feb_closed", "feb_hr_late", "feb_reassigned", "feb_declined"):
            c[name] = scenarios.joint_handling(w)
    with travel("2025-02-11 10:00"):
        for name in ("feb_reassigned", "feb_declined"):
            consultation_services.task_decline(
                task=task(c[name], w.hr), actor=w.officer_hr, reason="该事项不属于本部门职责。"
            )
    with travel("2025-02-12 10:00"):
        for name in ("feb_closed", "feb_hr_late", "feb_reassigned"):
            opinion(w, c[name], w.tax, w.officer_tax)
        consultation_services.task_reassign(
            dispute=c["feb_reassigned"],
            actor=w.coordinator,
            from_department=w.hr,
            to_department=w.medical,
            reason="属医保局职责",
        )
    with travel("2025-02-13 10:00"):
        opinion(w, c["feb_closed"], w.hr, w.officer_hr)
        opinion(w, c["feb_reassigned"], w.medical, w.officer_medical)
    with travel("2025-02-20 10:00"):
        consultation_services.dispute_consolidate(
            dispute=c["feb_closed"], actor=w.coordinator, opinion="汇总意见"
        )
    with travel("2025-02-24 16:00"):
        services.dispute_reply(dispute=c["feb_closed"], actor=w.clerk, text="答复")
    with travel("2025-02-24 17:00"):  # the follow-up visit: basically satisfied, then closed
        visit(w, c["feb_closed"], "basically")
    with travel("2025-02-25 10:00"):
        services.dispute_accept(dispute=c["feb_closed"], actor=w.clerk)
        deadlines.sweep()
    with travel("2025-03-05 10:00"):
        opinion(w, c["feb_hr_late"], w.hr, w.officer_hr)  # five working days late or so
        opinion(w, c["feb_declined"], w.tax, w.officer_tax)

    # March: centre B's own cases, enterprises on the hotline, refunds in 风陵渡镇.
    with travel("2025-03-03 09:00"):
        for i in range(3):
            c[f"b_{i}"] = w.make_dispute(
                actor=w.clerk_b,
                centre=w.centre_b,
                channel=w.hotline,
                category=w.category_refund,
                payers=enterprise(100 + i),
            )
        c["b_0"] = routing_services.dispute_classify(
            dispute=c["b_0"],
            actor=w.clerk_b,
            classification="general",
            lead_department=w.tax,
            co_departments=[w.hr],
        )
    with travel("2025-03-04 10:00"):
        opinion(w, c["b_0"], w.tax, w.officer_tax)
    with travel("2025-03-10 09:00"):
        c["referred"] = scenarios.referred(w)

    # April: HR asks for three more days and is granted them, then answers within them.
    with travel("2025-04-07 09:00"):
        c["extended"] = scenarios.joint_handling(w, category=w.category_refund)
        c["apr_enterprise"] = w.make_dispute(payers=enterprise(7))
    with travel("2025-04-08 10:00"):
        opinion(w, c["extended"], w.tax, w.officer_tax)
    with travel("2025-04-09 10:00"):
        hr_limit = Deadline.objects.get(
            dispute=c["extended"], department=w.hr, stage=Stage.DEPARTMENT_OPINION
        )
        request = routing_services.extension_request(
            deadline=hr_limit, actor=w.officer_hr, working_days=3, reason="需调取档案"
        )
        routing_services.extension_decide(request=request, actor=w.coordinator, grant=True)
    with travel("2025-04-16 10:00"):
        opinion(w, c["extended"], w.hr, w.officer_hr)

    # May: two cases escalated to the leading group, one approved; one sent to the court and
    # reported back in June, one still awaiting the court.
    with travel("2025-05-12 09:00"):
        c["escalated"] = scenarios.escalated(w)
        c["special"] = scenarios.escalated(w)
    with travel("2025-05-13 10:00"):
        consultation_services.dispute_approve(dispute=c["special"], actor=w.leader)
    with travel("2025-05-19 09:00"):
        c["court_reported"] = scenarios.sent_to_court(w, payers=enterprise(8))
    with travel("2025-06-03 11:00"):
        consultation_services.court_report(
            enforcement=CourtEnforcement.objects.get(dispute=c["court_reported"]),
            actor=w.lgo,
            report="已立案执行。",
        )
    with travel("2025-06-09 09:00"):
        c["court_pending"] = scenarios.sent_to_court(w, payers=enterprise(9))

    # June: two replies, three and eight working days after the day received.
    with travel("2025-06-03 09:00"):
        c["reply_soon"] = scenarios.awaiting_reply(w)
        c["reply_later"] = scenarios.awaiting_reply(w, channel=w.hotline)
    with travel("2025-06-06 15:00"):
        services.dispute_reply(dispute=c["reply_soon"], actor=w.clerk, text="答复")
    with travel("2025-06-13 15:00"):
        services.dispute_reply(dispute=c["reply_later"], actor=w.clerk, text="答复")
    # The follow-up visits: one payer satisfied; the other not, and that reply is redone (the
    # departments asked again, no new reply yet).
    with travel("2025-06-09 10:00"):
        visit(w, c["reply_soon"], "satisfied")
    with travel("2025-06-16 10:00"):
        visit(w, c["reply_later"], "dissatisfied", remarks="补缴金额有误")
        followup.dispute_redo(dispute=c["reply_later"], actor=w.coordinator, reason="重新核算")
    with travel("2025-06-18 09:00"):
        c["june_new"] = w.make_dispute(payers=resident(2))
        c["june_general"] = scenarios.joint_handling(w)

    with time_machine.travel(NOW, tick=False):
        deadlines.sweep()
    for d in c.values():
        d.refresh_from_db()
    return c
