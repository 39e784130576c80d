"""Cases brought to each state through the services, for tests that need one of each."""

import datetime

from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import services
from routing import deadlines
from routing import services as routing_services
from routing.models import DeadlinePolicy


def default_policies() -> None:
    """The installation's general deadline policies (those of no particular category), as
    ``load_reference_data`` installs them; idempotent."""
    for stage, days, name, categories in deadlines.DEFAULT_POLICIES:
        if not categories:
            DeadlinePolicy.objects.get_or_create(
                stage=stage, name=name, defaults={"working_days": days}
            )


def registered(w, **kw):
    return w.make_dispute(**kw)


def online_channel(w):
    """The 12345 hotline, a channel whose cases arrive electronically (and may be returned)."""
    from disputes.models import Channel

    channel, _created = Channel.objects.get_or_create(
        code="hotline_12345", defaults={"name": "12345热线", "online": True}
    )
    return channel


def registered_online(w, **kw):
    """A case handed in through the 12345 hotline, not yet classified."""
    return w.make_dispute(channel=online_channel(w), **kw)


def joint_handling(w, **kw):
    """General case: tax leads, HR co-handles."""
    d = w.make_dispute(**kw)
    return routing_services.dispute_classify(
        dispute=d,
        actor=w.clerk,
        classification="general",
        lead_department=w.tax,
        co_departments=[w.hr],
    )


def all_opinions_in(w, **kw):
    d = joint_handling(w, **kw)
    for task in DepartmentTask.objects.filter(dispute=d):
        officer = w.officer_tax if task.department_id == w.tax.pk else w.officer_hr
        consultation_services.opinion_give(
            task=task, actor=officer, finding="经核实", basis="", proposal="补缴"
        )
    return d


def awaiting_reply(w, **kw):
    d = all_opinions_in(w, **kw)
    return consultation_services.dispute_consolidate(
        dispute=d, actor=w.coordinator, opinion="汇总意见"
    )


def referred(w, **kw):
    d = w.make_dispute(**kw)
    return routing_services.dispute_refer(
        dispute=d,
        actor=w.clerk,
        summary="职责不清",
        opinion="请转交",
        report_back_by=timezone.localdate() + datetime.timedelta(days=3),
    )


def escalated(w, **kw):
    d = joint_handling(w, **kw)
    return consultation_services.dispute_escalate(dispute=d, actor=w.coordinator, reason="r")


def special_handling(w, **kw):
    d = escalated(w, **kw)
    return consultation_services.dispute_approve(dispute=d, actor=w.leader)


def replied(w, **kw):
    d = awaiting_reply(w, **kw)
    return services.dispute_reply(dispute=d, actor=w.clerk, text="答复")


def dissatisfied(w, **kw):
    """Replied, and the payer said at the follow-up visit that they are not satisfied."""
    from disputes import followup

    d = replied(w, **kw)
    followup.record_follow_up(
        dispute=d,
        actor=w.clerk,
        method="phone",
        contact="缴费人",
        satisfaction="dissatisfied",
        remarks="补缴金额有误",
    )
    d.refresh_from_db()
    return d


def objected(w, **kw):
    d = replied(w, **kw)
    return services.dispute_object(dispute=d, actor=w.clerk, route="mediation")


def closed(w, **kw):
    d = replied(w, **kw)
    return services.dispute_accept(dispute=d, actor=w.clerk)


# -- the leading group: a major consultation and its minutes ------------------------------


def meeting_planned(w, dispute=None, **kw):
    """A major consultation of the county's office, an hour ago, on a case in special
    handling (tax leads, HR co-handles); HR and medical invited, the leader hosts."""
    d = dispute or special_handling(w, **kw)
    meeting = consultation_services.meeting_create(
        actor=w.lgo,
        kind="major",
        title="专案会商会议",
        held_at=timezone.now() - datetime.timedelta(hours=1),
        place="县税务局三楼会议室",
        host=w.leader,
        departments=[w.tax, w.hr, w.medical],
    )
    consultation_services.agenda_add(meeting=meeting, actor=w.lgo, dispute=d)
    d.refresh_from_db()
    return d


def meeting_of(d):
    from consultations.models import Meeting

    return Meeting.objects.filter(agenda__dispute=d).latest("pk")


def meeting_held(w, dispute=None, **kw):
    d = meeting_planned(w, dispute=dispute, **kw)
    meeting = meeting_of(d)
    consultation_services.meeting_record_held(
        meeting=meeting,
        actor=w.lgo,
        present={a.pk: True for a in meeting.attendances.all()},
    )
    return d


def meeting_decided(w, dispute=None, outcome="settled", **kw):
    """Held, the decision on the case recorded (tax to collect within ten days), the minutes
    drafted."""
    d = meeting_held(w, dispute=dispute, **kw)
    meeting = meeting_of(d)
    consultation_services.item_decide(
        item=meeting.agenda.get(dispute=d),
        actor=w.lgo,
        decision="会商决定：单位限期补缴，税务局负责追缴。",
        outcome=outcome,
        tasks=[
            consultation_services.TaskData(
                description="向单位送达责令限期缴纳通知书",
                department=w.tax,
                owner=w.officer_tax,
                due_date=timezone.localdate() + datetime.timedelta(days=10),
            )
        ],
    )
    consultation_services.minutes_save(meeting=meeting, actor=w.lgo, body="会议听取了案件汇报。")
    return d


def minutes_signed(w, dispute=None, **kw):
    d = meeting_decided(w, dispute=dispute, **kw)
    meeting = meeting_of(d)
    consultation_services.minutes_submit(meeting=meeting, actor=w.lgo, sign_off_by=w.leader)
    consultation_services.minutes_sign_off(meeting=meeting, actor=w.leader, approve=True)
    return d


def minutes_under_review(w, dispute=None, **kw):
    d = meeting_decided(w, dispute=dispute, **kw)
    consultation_services.minutes_submit(meeting=meeting_of(d), actor=w.lgo, sign_off_by=w.leader)
    return d


def decided_by_minutes(w, **kw):
    """A major case moved on by issued minutes: it awaits the reply."""
    d = minutes_signed(w, **kw)
    consultation_services.minutes_issue(meeting=meeting_of(d), actor=w.lgo)
    d.refresh_from_db()
    return d


def with_court(w):
    from departments.models import Department

    w.court = Department.objects.filter(kind="court").first() or Department.objects.create(
        name="芮城县人民法院", code="court", kind="court"
    )
    return w.court


def sent_to_court(w, **kw):
    """A long-idle enterprise's arrears: the minutes send the case to the court."""
    with_court(w)
    return decided_by_minutes(w, outcome="court", **kw)


def declined_by_hr(w, **kw):
    """General case; HR says the matter is not its duty."""
    d = joint_handling(w, **kw)
    consultation_services.task_decline(
        task=DepartmentTask.objects.get(dispute=d, department=w.hr),
        actor=w.officer_hr,
        reason="该事项不属于本部门职责。",
    )
    return d


# -- supervision (督办) by the leading-group office -----------------------------------------


def supervised(w, departments=None, **kw):
    """An escalated case (tax leads, HR co-handles) the county's office supervises: tax and
    the medical bureau (not otherwise on the case) report by a week from now."""
    d = escalated(w, **kw)
    consultation_services.supervision_open(
        dispute=d,
        actor=w.lgo,
        matter="督促核实缴费基数并答复职工。",
        requirement="请于期限内报告办理情况。",
        departments=departments if departments is not None else [w.tax, w.medical],
        due_date=timezone.localdate() + datetime.timedelta(days=7),
    )
    d.refresh_from_db()
    return d


def supervision_of(d):
    from consultations.models import Supervision

    return Supervision.objects.filter(dispute=d).latest("pk")
