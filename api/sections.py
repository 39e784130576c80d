"""The case page's "work order" section, for a case an integrating system handed in: which
system, its work-order number (工单编号) and the system's own deadline (办理时限)."""

from api.models import WorkOrder
from departments import clock
from disputes.sections import CaseSection, register


def work_order_section(request, dispute):
    # Only a case a system delivered has a work order: the others cost no query.
    if dispute.delivered_by_id is None:
        return None
    order = WorkOrder.objects.filter(dispute=dispute).select_related("system").first()
    if order is None:
        return None
    return {
        "order": order,
        "system": order.system,
        "past_due": order.due_at is not None and order.due_at < clock.now(),
    }


register(CaseSection("work_order", "api/_work_order.html", work_order_section, 2, "side"))
