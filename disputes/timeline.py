"""Labels of timeline actions. Transitions bring their own; apps register the others."""

from django.utils.translation import gettext_lazy as _

_labels: dict[str, str] = {
    "disputes.case.registered": _("Registered"),
    "disputes.case.linked": _("Linked to other cases"),
    "disputes.attachment.added": _("Attachments added"),
    "disputes.case.urged": _("Urged"),
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
