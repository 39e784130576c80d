"""Who reaches a case through its relations: the rows of ``CaseReach``.

The visibility rule (``selectors.visibility_filter``) has two kinds of branch. Some follow the
case's area (the supervisors' county, the government office's referrals, the leading group's
escalated cases, the cyberspace office's flagged ones): they are columns of the case. The others
follow a relation — the owning centre, the clerk who took the case, the grid mediator who
reported it, its lead and co-handling departments, the groups it is shared with — and each is
written here as a *unit* the case is reached by. A user's units say which of those relations
admit them; a case is visible through a relation when one of its rows names one of the user's
units: one indexed question, whatever the number of cases, instead of an ``OR`` of joins that
no index serves.

The rows are derived from the case by ``case_units`` and kept in the transaction of every
change to those relations: the case's own fields (``post_save``), its co-handling departments
(``m2m_changed``) and its grants (``post_save``/``post_delete`` of the grant rows), wired in
``DisputesConfig.ready``; code that writes past the signals (``QuerySet.update``, bulk inserts)
calls ``refresh`` or ``rebuild`` itself. ``stale`` finds any case whose rows differ from what
``case_units`` says.
"""

from collections import defaultdict
from collections.abc import Iterable

from departments.models import Role, group_ids_of, roles_of, staff_of
from disputes.models import CaseReach, Dispute, DisputeGroupObjectPermission

VIEW_CODENAME = "view_dispute"


# -- the units: of a case, and of a user --------------------------------------------------


def row_units(
    *, centre_id, first_responder_id, reported_by_id, lead_department_id, co_ids, group_ids
) -> set[str]:
    units = {f"centre:{centre_id}"}
    if first_responder_id:
        units.add(f"clerk:{first_responder_id}")
    if reported_by_id:
        units.add(f"reporter:{reported_by_id}")
    if lead_department_id:
        units.add(f"dept:{lead_department_id}")
    units |= {f"dept:{pk}" for pk in co_ids}
    units |= {f"group:{pk}" for pk in group_ids}
    return units


def case_units(dispute: Dispute) -> set[str]:
    """The units that reach ``dispute`` through its relations, read from the database."""
    return _units_of_cases([dispute.pk])[dispute.pk]


def user_units(user) -> set[str]:
    """The units through which ``user`` reaches cases: the relational half of the rule."""
    units = {f"group:{pk}" for pk in group_ids_of(user)}  # shared with a group of theirs
    staff = staff_of(user)
    if staff is None:
        return units
    roles = roles_of(user)
    if staff.centre_id and roles & {Role.CLERK, Role.COORDINATOR}:
        units.add(f"centre:{staff.centre_id}")  # the cases their centre owns
    if Role.CLERK in roles:
        units.add(f"clerk:{user.pk}")  # the cases they took, wherever they went since
    if Role.OFFICER in roles and staff.department_id:
        units.add(f"dept:{staff.department_id}")  # led or co-handled by their department
    if Role.GRID_MEDIATOR in roles:
        units.add(f"reporter:{user.pk}")  # the cases they reported
    return units


def _units_of_cases(ids: Iterable[int]) -> dict[int, set[str]]:
    ids = list(ids)
    co, groups = defaultdict(set), defaultdict(set)
    through = Dispute.co_departments.through
    for dispute_id, department_id in through.objects.filter(dispute_id__in=ids).values_list(
        "dispute_id", "department_id"
    ):
        co[dispute_id].add(department_id)
    grants = DisputeGroupObjectPermission.objects.filter(
        content_object_id__in=ids,
        permission__codename=VIEW_CODENAME,
        permission__content_type__app_label="disputes",
    )
    for dispute_id, group_id in grants.values_list("content_object_id", "group_id"):
        groups[dispute_id].add(group_id)
    rows = Dispute.objects.filter(pk__in=ids).values_list(
        "pk", "centre_id", "first_responder_id", "reported_by_id", "lead_department_id"
    )
    return {
        pk: row_units(
            centre_id=centre,
            first_responder_id=responder,
            reported_by_id=reporter,
            lead_department_id=lead,
            co_ids=co[pk],
            group_ids=groups[pk],
        )
        for pk, centre, responder, reporter, lead in rows
    }


# -- keeping the rows -----------------------------------------------------------------------


def refresh(dispute_id: int) -> None:
    """Make the case's rows what its relations say (call inside the change's transaction)."""
    wanted = _units_of_cases([dispute_id]).get(dispute_id, set())
    have = set(CaseReach.objects.filter(dispute_id=dispute_id).values_list("unit", flat=True))
    if have - wanted:
        CaseReach.objects.filter(dispute_id=dispute_id, unit__in=have - wanted).delete()
    if wanted - have:
        CaseReach.objects.bulk_create(
            [CaseReach(dispute_id=dispute_id, unit=unit) for unit in wanted - have]
        )


def rebuild(ids: Iterable[int] | None = None, *, batch_size: int = 5000) -> int:
    """Write the rows of these cases (every case: None) afresh; returns how many rows."""
    if ids is None:
        ids = Dispute.objects.order_by("pk").values_list("pk", flat=True).iterator()
    written, batch = 0, []
    for pk in ids:
        batch.append(pk)
        if len(batch) >= batch_size:
            written += _rebuild_batch(batch)
            batch = []
    if batch:
        written += _rebuild_batch(batch)
    return written


def _rebuild_batch(ids: list[int]) -> int:
    units = _units_of_cases(ids)
    CaseReach.objects.filter(dispute_id__in=ids).delete()
    rows = [CaseReach(dispute_id=pk, unit=unit) for pk, wanted in units.items() for unit in wanted]
    CaseReach.objects.bulk_create(rows, batch_size=5000)
    return len(rows)


def stale(ids: Iterable[int] | None = None) -> list[int]:
    """The cases (of ``ids``; every case: None) whose rows differ from their relations."""
    ids = list(Dispute.objects.values_list("pk", flat=True) if ids is None else ids)
    have = defaultdict(set)
    for dispute_id, unit in CaseReach.objects.filter(dispute_id__in=ids).values_list(
        "dispute_id", "unit"
    ):
        have[dispute_id].add(unit)
    wanted = _units_of_cases(ids)
    return sorted(pk for pk in ids if have[pk] != wanted.get(pk, set()))


# -- the signals that keep them (connected in DisputesConfig.ready) ------------------------


def on_dispute_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        refresh(instance.pk)


def on_co_departments_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        refresh(instance.pk)
    else:  # changed from the department's side: every case it touched
        for dispute_id in pk_set or ():
            refresh(dispute_id)


def on_grant_changed(sender, instance, raw=False, **kwargs):
    if not raw and instance.content_object_id:
        refresh(instance.content_object_id)
