"""What ``GET /api/v1/events/`` reads and answers. Each field's description is in Chinese and
English (the schema's readers are the hotlines' developers)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from api.events import PULL_MAX
from api.models import EventKind
from disputes.models import State

# The largest number PostgreSQL and SQLite keep in a bigint.
BIGINT_MAX = 2**63 - 1

SINCE_ERROR = _("“since” is the last delivery id you have: a whole number, 0 or more.")
LIMIT_ERROR = _("“limit” is how many events to return: a whole number from 1 to 500.")


class EventQuerySerializer(serializers.Serializer):
    since = serializers.IntegerField(
        required=False,
        default=0,
        min_value=0,
        max_value=BIGINT_MAX,
        help_text=(
            "已收到的最后一个送达编号，返回编号大于它的事件；首次为 0 / "
            "the last delivery id received: events numbered above it are returned; 0 at first"
        ),
        error_messages={
            "invalid": SINCE_ERROR,
            "min_value": SINCE_ERROR,
            "max_value": SINCE_ERROR,
            "max_string_length": SINCE_ERROR,
        },
    )
    limit = serializers.IntegerField(
        required=False,
        default=100,
        min_value=1,
        max_value=PULL_MAX,
        help_text=(
            f"本次最多返回的事件数，1 至 {PULL_MAX}，默认 100 / "
            f"at most this many events, 1 to {PULL_MAX}, 100 by default"
        ),
        error_messages={
            "invalid": LIMIT_ERROR,
            "min_value": LIMIT_ERROR,
            "max_value": LIMIT_ERROR,
            "max_string_length": LIMIT_ERROR,
        },
    )


class EventSerializer(serializers.Serializer):
    """一个事件，与推送到回调地址的完全相同 / One event, the very object POSTed to the
    callback URL (signed: see the operation's description)."""

    delivery_id = serializers.IntegerField(
        help_text=(
            "送达编号：本系统事件的顺序号，按提交顺序逐一递增，推送与拉取相同 / "
            "delivery id: this system's event number, increasing in commit order, "
            "the same when pushed and pulled"
        )
    )
    event_id = serializers.UUIDField(
        help_text=(
            "事件唯一标识，重发时不变，用于去重 / "
            "the event's unique id, unchanged when it is sent again: deduplicate by it"
        )
    )
    event = serializers.ChoiceField(
        choices=EventKind.choices,
        help_text=(
            "事件：accepted 签收，returned 退单，extension 延期申请，replied 办理结果反馈，"
            "closed 办结，cancelled 撤单 / the event: accepted, returned (not within the "
            "centres' remit), extension (asked for), replied (handling result), closed, "
            "cancelled"
        ),
    )
    work_order = serializers.CharField(help_text="贵方的工单编号 / your work-order number")
    case = serializers.CharField(help_text="中心的案件编号 / the centre's case number")
    state = serializers.ChoiceField(
        choices=State.choices,
        help_text="事件发生后案件的状态（代码） / the case's state after the event (code)",
    )
    state_name = serializers.CharField(help_text="案件状态的中文名称 / the state's Chinese name")
    stage = serializers.CharField(
        allow_null=True,
        help_text=(
            "相关的办理时限阶段（签收：答复时限；延期申请：申请延长的时限），无则为 null / "
            "the time limit concerned (accepted: the reply's; extension: the one to extend), "
            "else null"
        ),
    )
    stage_name = serializers.CharField(
        allow_null=True, help_text="时限阶段的中文名称，无则为 null / the stage's Chinese name"
    )
    due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=(
            "该时限的截止时刻（ISO 8601，+08:00），无则为 null / "
            "when that time limit ends (ISO 8601, +08:00), else null"
        ),
    )
    at = serializers.DateTimeField(
        help_text="事件发生时刻（ISO 8601，+08:00） / when it happened (ISO 8601, +08:00)"
    )
    data = serializers.DictField(
        help_text=(
            "事件内容。accepted：classification 分类、classification_name、handling_unit 承办单位；"
            "returned：reason 退单理由、basis 依据；extension：reason 理由、working_days 申请延长"
            "的工作日数；replied：reply 答复内容、handling_unit 承办单位；closed：resolution "
            "（accepted 缴费人无异议、objection_decided 异议已处理、resolved_on_spot 当场办结）、"
            "payer_response、handling_unit，异议时另有 objection_route、objection_route_name、"
            "outcome，当场办结时另有 result；cancelled：reason 理由、by（centre 中心撤回、"
            "system 贵方撤单）。不含缴费人的姓名、证件号码和电话 / "
            "what the event says. accepted: classification, classification_name, handling_unit; "
            "returned: reason, basis; extension: reason, working_days (asked for); replied: "
            "reply, handling_unit; closed: resolution (accepted, objection_decided or "
            "resolved_on_spot), payer_response, handling_unit, with objection_route, "
            "objection_route_name and outcome after an objection, result when settled on the "
            "spot; cancelled: reason, by (centre or system). Never the payer's name, identity "
            "number or phone"
        )
    )


class EventPageSerializer(serializers.Serializer):
    events = EventSerializer(
        many=True, help_text="按送达编号排序的事件 / the events, by delivery id"
    )
    last = serializers.IntegerField(
        help_text=(
            "本页最后一个送达编号（无事件时为 since），下次请求以它为 since / "
            "the last delivery id on this page (since when there is none): "
            "the next request's since"
        )
    )
    more = serializers.BooleanField(
        help_text="是否还有更多事件，有则立即再取 / whether more events follow: fetch again now"
    )


class PullErrorSerializer(serializers.Serializer):
    error = serializers.CharField(
        help_text="错误代码，如 invalid、not_authenticated / the error's code"
    )
    message = serializers.CharField(help_text="中文说明 / what is wrong, in Chinese")
    fields = serializers.DictField(
        required=False,
        help_text="逐字段的错误说明（仅输入有误时） / field by field (invalid input only)",
    )
