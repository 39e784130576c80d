"""Cases brought to each state through the services, for tests that need one of each."""

import datetime

from django.utils import timezone

from consultations import services as consultation_services
from consultations.models import DepartmentTask
from disputes import services
from routing import services as routing_services


def registered(w, **kw):
    return w.make_dispute(**kw)


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


def objected(w, **kw):
    d = replied(w, **kw)
    return services.dispute_object(dispute=d, actor=w.clerk, route="mediation")


def closed(w, **kw):
    d = replied(w, **kw)
    return services.dispute_accept(dispute=d, actor=w.clerk)
