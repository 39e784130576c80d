"""Lists, counts and case pages agree with the visibility rules, on random assignments.

The oracle below restates the rules of who sees what in plain Python, independently of the
selector's query; hypothesis draws random cases (centres, counties, departments, flags,
escalation, referral, grants, states) and every persona's list, count and case pages must
match it. Two government offices, of two counties, each receive their own county's referrals.
"""

import pytest
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from guardian.shortcuts import assign_perm
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from departments.models import Department, Role, Staff, role_group, roles_of
from disputes.models import Dispute, State
from disputes.selectors import visible_disputes

PERSONAS = [
    "outsider", "clerk", "coordinator", "clerk_b", "officer_tax", "officer_hr",
    "officer_medical", "officer_gov", "officer_gov_yj", "lgo", "leader", "supervisor",
    "mediator", "cyber",
]  # fmt: skip
DEPARTMENTS = ["tax", "hr", "medical", "gov"]
UNITS = ["centre_a", "centre_b", "lgo_centre", *DEPARTMENTS]

case_spec = st.fixed_dictionaries(
    {
        "centre": st.sampled_from(["centre_a", "centre_b"]),
        "other_county": st.booleans(),
        "responder": st.sampled_from(["clerk", "clerk_b", "coordinator"]),
        "reported": st.booleans(),
        "lead": st.sampled_from([None, *DEPARTMENTS]),
        "co": st.sets(st.sampled_from(DEPARTMENTS), max_size=2),
        "flagged": st.booleans(),
        "escalated": st.booleans(),
        "redone": st.sampled_from([0, 1, 2, 3]),
        "referred": st.booleans(),  # referred once (then dispatched, or still waiting)
        "state": st.sampled_from([State.REGISTERED, State.REFERRED, State.JOINT_HANDLING]),
        "grants": st.sets(st.sampled_from(UNITS), max_size=2),
    }
)


def oracle(w, user, case, spec) -> bool:
    """Who may see a case, written out from the rules rather than from the query."""
    staff = user.staff
    roles = roles_of(user)
    in_county = staff.jurisdiction_id is not None and case.jurisdiction.path.startswith(
        staff.jurisdiction.path
    )
    dept = staff.department
    unit_groups = {u.group_id for u in (staff.centre, dept) if u is not None}
    granted = {getattr(w, unit).group_id for unit in spec["grants"]}
    return any(
        [
            bool(roles & {Role.CLERK, Role.COORDINATOR}) and staff.centre_id == case.centre_id,
            Role.CLERK in roles and case.first_responder_id == user.pk,
            Role.OFFICER in roles
            and dept is not None
            and (
                dept.pk == case.lead_department_id
                or dept.pk in {getattr(w, c).pk for c in spec["co"]}
                or (
                    dept.kind == "government_office"
                    and dept.jurisdiction is not None
                    and case.jurisdiction.path.startswith(dept.jurisdiction.path)
                    and (spec["referred"] or case.state == State.REFERRED)
                )
            ),
            Role.SUPERVISOR in roles and in_county,
            bool(roles & {Role.LEADING_GROUP_OFFICE, Role.LEADER})
            and in_county
            and (case.escalated_at is not None or case.redo_count >= 2),
            Role.CYBERSPACE in roles and in_county and case.is_public_opinion_risk,
            Role.GRID_MEDIATOR in roles and case.reported_by_id == user.pk,
            bool(unit_groups & granted),
        ]
    )


def add_other_county_office(w) -> None:
    """永济市政府办 and its officer: the government office of the other county."""
    office = Department.objects.create(
        name="永济市政府办",
        code="government_office_yj",
        kind="government_office",
        jurisdiction=w.other_county,
    )
    user = get_user_model().objects.create_user("off_gov_yj", password="pw-Secret-123")
    user.groups.add(role_group(Role.OFFICER))
    Staff.objects.create(user=user, full_name="韩冰", department=office)
    w.officer_gov_yj = user


def build(w, index, spec) -> Dispute:
    centre = getattr(w, spec["centre"])
    case = Dispute.objects.create(
        number=f"P-{index:04d}",
        centre=centre,
        registered_centre=centre,
        first_responder=getattr(w, spec["responder"]),
        reported_by=w.mediator if spec["reported"] else None,
        channel=w.window,
        jurisdiction=w.other_county if spec["other_county"] else centre.jurisdiction,
        category=w.category,
        claim="c",
        summary="s",
        lead_department=getattr(w, spec["lead"]) if spec["lead"] else None,
        is_public_opinion_risk=spec["flagged"],
        escalated_at=timezone.now() if spec["escalated"] else None,
        redo_count=spec["redone"],
        referred_at=timezone.now() if spec["referred"] or spec["state"] == State.REFERRED else None,
        state=spec["state"],
    )
    case.co_departments.set([getattr(w, c) for c in spec["co"]])
    for unit in spec["grants"]:
        assign_perm("disputes.view_dispute", getattr(w, unit).group, case)
    return case


@pytest.mark.django_db
@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(case_spec, min_size=1, max_size=8), page_persona=st.sampled_from(PERSONAS))
def test_lists_counts_and_case_pages_agree_with_the_rules(client, world, specs, page_persona):
    with transaction.atomic():
        add_other_county_office(world)
        cases = [(build(world, i, spec), spec) for i, spec in enumerate(specs)]
        for persona in PERSONAS:
            user = getattr(world, persona)
            expected = {c.pk for c, spec in cases if oracle(world, user, c, spec)}
            visible = visible_disputes(user)
            assert set(visible.values_list("pk", flat=True)) == expected, persona
            assert visible.count() == len(expected), persona
        user = getattr(world, page_persona)
        client.force_login(user)
        listed = client.get(reverse("disputes:list")).context["page"].paginator.count
        assert listed == len({c.pk for c, spec in cases if oracle(world, user, c, spec)})
        for case, spec in cases:
            code = client.get(reverse("disputes:detail", args=[case.number])).status_code
            assert code == (200 if oracle(world, user, case, spec) else 404), (page_persona, spec)
        transaction.set_rollback(True)
