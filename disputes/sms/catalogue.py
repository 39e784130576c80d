"""The templates the centre sends, and which notices text officers.

A template's text is data (``SmsTemplate``, edited in the admin); what is fixed here is its
code, what it is for, the placeholders its text may use, and the default text installed by
``load_reference_data`` (once: an administrator's edits are kept). A text names placeholders in
braces, ``{number}``; any other brace, a placeholder the template does not offer, or one with a
format (``{number:>10}``) is refused in the admin.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

# What each placeholder stands for (shown in the admin beside the text).
PLACEHOLDERS = {
    "number": _("the case number"),
    "centre": _("the centre owning the case"),
    "name": _("the officer's name"),
    "message": _("the notice as shown in the inbox"),
    "stage": _("the stage of the time limit"),
    "due": _("when the time limit is due"),
    "department": _("the department whose work it is"),
    "query_code": _("the case's query code"),
    "status_url": _("where the payer looks up the progress (the public status page)"),
}

_OFFICER = ("number", "centre", "name", "message")
_DEADLINE = (*_OFFICER, "stage", "due", "department")
_PAYER = ("number", "centre", "query_code", "status_url")


@dataclass(frozen=True)
class Template:
    code: str
    name: str
    text: str
    placeholders: tuple[str, ...]


TEMPLATES = {
    t.code: t
    for t in [
        Template(
            "officer.new_task",
            "新办理任务（部门）",
            "{name}：案件{number}有新的办理任务“{stage}”，请于{due}前办理。",
            _DEADLINE,
        ),
        Template(
            "officer.overdue",
            "办理超期",
            "{name}：案件{number}的“{stage}”已于{due}到期，现已超期，请立即办理。",
            _DEADLINE,
        ),
        Template("officer.urged", "催办", "{name}：案件{number}被催办。{message}", _OFFICER),
        Template(
            "officer.urging_notice",
            "催办通知",
            "{name}：案件{number}有催办通知。{message}",
            _OFFICER,
        ),
        Template(
            "officer.supervision", "督办", "{name}：案件{number}已列入督办。{message}", _OFFICER
        ),
        Template(
            "payer.registered",
            "受理告知（缴费人）",
            "{centre}已受理您的社会保险费征缴争议，案件编号{number}，查询码{query_code}。"
            "凭案件编号和查询码可在{status_url}查询办理进度。",
            _PAYER,
        ),
        Template(
            "payer.replied",
            "书面答复告知（缴费人）",
            "{centre}已对您的案件{number}作出书面答复，请留意查收。"
            "凭案件编号和查询码可在{status_url}查询。",
            _PAYER,
        ),
    ]
}


@dataclass(frozen=True)
class OfficerText:
    """A notice kind that texts its officers: with ``template``; ``only_if``: a key of the
    notice's context that must be set (a new deadline: only a department's)."""

    template: str
    only_if: str = ""


# notice kind (disputes.notifications.notify) → the text to the officers it goes to
OFFICER_KINDS = {
    "deadline.opened": OfficerText("officer.new_task", only_if="department"),
    "deadline.overdue": OfficerText("officer.overdue"),
    "routing.urged": OfficerText("officer.urged"),
    "routing.urging_notice": OfficerText("officer.urging_notice"),
    "consultations.supervision.opened": OfficerText("officer.supervision"),
}

PAYER_REGISTERED = "payer.registered"
PAYER_REPLIED = "payer.replied"
