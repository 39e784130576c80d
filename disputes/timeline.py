"""Labels of timeline actions (transitions bring their own; apps register the others), and who
each entry names as its author."""

from django.utils.translation import gettext_lazy as _

_labels: dict[str, str] = {
    "disputes.case.registered": _("Registered"),
    "disputes.case.linked": _("Linked to other cases"),
    "disputes.attachment.added": _("Attachments added"),
    "disputes.case.urged": _("Urged"),
    "disputes.case.followed_up": _("Follow-up visit recorded"),
    "disputes.case.rated_online": _("Rated online by the payer"),
    "disputes.case.rating_changed": _("Online rating changed by the payer"),
    "disputes.access.granted": _("Shared with a unit"),
    "disputes.access.revoked": _("Access withdrawn"),
    "routing.clock.paused": _("Clocks stopped: waiting on the payer"),
    "routing.clock.resumed": _("Clocks restarted"),
    "routing.extension.requested": _("Extension requested"),
    "routing.extension.granted": _("Extension granted"),
    "routing.extension.refused": _("Extension refused"),
}


def register_labels(mapping: dict[str, str]) -> None:
    _labels.update(mapping)


def label_for(action: str) -> str:
    if action not in _labels:
        from disputes.models import Dispute

        for transition in Dispute._meta.get_field("state").get_all_transitions(Dispute):
            _labels.setdefault(transition.custom["action"], transition.custom["label"])
    return str(_labels.get(action, action))


def actor_label(entry, dispute) -> str:
    """Who made the entry: the staff member, or the integrating system (its account's name,
    e.g. 12345热线); for a case registered with no one logged in and no integrating system
    behind it, the payer's own online application; otherwise the system (the deadline sweep,
    the archive)."""
    actor = entry.actor
    if actor is not None:
        staff = getattr(actor, "staff", None)
        name = staff.full_name if staff is not None else actor.first_name
        return name or actor.get_username()
    if entry.action == "disputes.case.registered" and dispute.delivered_by_id is None:
        return str(_("The payer's online application"))
    if entry.action in ("disputes.case.rated_online", "disputes.case.rating_changed"):
        return str(_("The payer, on the status page"))
    return str(_("System"))
