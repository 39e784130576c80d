"""Per-case access beyond the case's own relations: guardian grants that let the group of a
centre or department see one case."""

from django.contrib.auth.models import Group
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from disputes import rules
from disputes.exceptions import ActionNotPermitted, DisputeError
from disputes.models import Dispute, DisputeGroupObjectPermission
from disputes.services import require_serving, timeline_add

VIEW = "disputes.view_dispute"


def unit_of(group: Group):
    """The centre or department a permission group belongs to, or None."""
    for name in ("centre", "department"):
        try:
            return getattr(group, name)
        except ObjectDoesNotExist:
            continue
    return None


def grants_of(dispute: Dispute):
    return (
        DisputeGroupObjectPermission.objects.filter(content_object=dispute)
        .select_related("group__centre", "group__department", "permission")
        .order_by("group__name")
    )


def access_grant(*, dispute: Dispute, actor, group: Group, reason: str) -> None:
    """Let a centre or department (its group) see one case, e.g. to review it."""
    if not rules.may_grant(dispute, actor):
        raise ActionNotPermitted(
            _("Only the coordinator or the leading-group office shares a case.")
        )
    if unit_of(group) is None:
        raise DisputeError(_("Access is granted to a centre or a department, not to a person."))
    require_serving([unit_of(group)], dispute.jurisdiction)
    if not reason.strip():
        raise DisputeError(_("Say why the case is shared."))
    with transaction.atomic():
        assign_perm(VIEW, group, dispute)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.access.granted",
            note=reason.strip(),
            data={"unit": str(unit_of(group))},
        )


def access_by_rule(*, dispute: Dispute, group: Group, reason: str) -> bool:
    """Let a unit see one case because a rule says so, not a person (the deadline sweep's
    circular to the leading-group office, which must read the case it is told about). The
    grant and its timeline row are written once; returns whether it is new."""
    if dispute.grants.filter(group=group, permission__codename="view_dispute").exists():
        return False
    with transaction.atomic():
        assign_perm(VIEW, group, dispute)
        timeline_add(
            dispute=dispute,
            actor=None,
            action="disputes.access.granted",
            note=reason,
            data={"unit": str(unit_of(group))},
        )
    return True


def access_revoke(*, dispute: Dispute, actor, group: Group, reason: str = "") -> None:
    if actor is not None and not rules.may_grant(dispute, actor):
        raise ActionNotPermitted(
            _("Only the coordinator or the leading-group office withdraws access.")
        )
    with transaction.atomic():
        remove_perm(VIEW, group, dispute)
        timeline_add(
            dispute=dispute,
            actor=actor,
            action="disputes.access.revoked",
            note=reason,
            data={"unit": str(unit_of(group))},
        )


def drop_unit_grants(*, dispute: Dispute, group: Group | None) -> int:
    """Withdraw every grant a unit holds on the case (its relation to the case has ended)."""
    if group is None:
        return 0
    deleted, _rows = DisputeGroupObjectPermission.objects.filter(
        content_object=dispute, group=group
    ).delete()
    return deleted
