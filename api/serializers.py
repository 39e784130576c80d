"""The shapes of the API's requests and answers, described in Chinese and English.

The serializers check types and shapes; what a work order must say to become a case is checked
by the window's own forms (``api.services.intake_forms``), so a hotline hears the same messages
a clerk sees.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from disputes.models import Payer

WORK_ORDER_NUMBER = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"
MAX_ATTACHMENTS = 5


def both(zh: str, en: str) -> str:
    """A description for the schema, read by integrators of either language."""
    return f"{zh} / {en}"


class CallerSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(
        choices=Payer.Kind.choices,
        help_text=both(
            "来电人类别：employer 用人单位，employee 职工，flexible 灵活就业人员，"
            "resident 城乡居民",
            "caller's kind",
        ),
    )
    name = serializers.CharField(help_text=both("姓名或单位名称", "name of the person or employer"))
    id_number = serializers.CharField(
        help_text=both(
            "18位公民身份号码，用人单位填统一社会信用代码",
            "resident identity number, or the employer's unified social credit code",
        )
    )
    phone = serializers.CharField(
        required=False, allow_blank=True, help_text=both("联系电话", "phone")
    )
    address = serializers.CharField(
        required=False, allow_blank=True, help_text=both("联系地址", "address")
    )
    contact_person = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=both("联系人（用人单位）", "contact person (of an employer)"),
    )


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=200, help_text=both("文件名（含扩展名）", "file name with its extension")
    )
    content_base64 = serializers.CharField(
        required=False,
        allow_blank=False,
        trim_whitespace=True,
        help_text=both("文件内容，base64 编码", "the file's content, base64-encoded"),
    )
    url = serializers.URLField(
        required=False,
        max_length=500,
        help_text=both(
            "热线系统中该文件的地址（只登记链接，不下载）",
            "where the file is kept in the hotline's system (recorded as a link, not fetched)",
        ),
    )

    def validate(self, attrs):
        if bool(attrs.get("content_base64")) == bool(attrs.get("url")):
            raise serializers.ValidationError(
                _("Give either the file's content (content_base64) or its address (url).")
            )
        return attrs


class WorkOrderSerializer(serializers.Serializer):
    """A hotline's work order (工单), as it hands it in."""

    number = serializers.RegexField(
        WORK_ORDER_NUMBER,
        max_length=64,
        help_text=both(
            "工单编号：字母、数字、点、下划线或连字符，最长64位；同一系统内唯一",
            "work-order number, unique within the system",
        ),
        error_messages={
            "invalid": _(
                "A work-order number has up to 64 letters, digits, dots, underscores or hyphens."
            )
        },
    )
    received_at = serializers.DateTimeField(
        help_text=both("热线受理时间（ISO 8601）", "when the hotline received it (ISO 8601)")
    )
    caller = CallerSerializer(help_text=both("来电人（缴费人）", "the caller (the payer)"))
    jurisdiction = serializers.CharField(
        max_length=12,
        help_text=both(
            "争议事项所在地的行政区划代码（12位）",
            "code of the administrative area where the matter lies (12 digits)",
        ),
    )
    category = serializers.CharField(
        max_length=40, help_text=both("争议类别代码", "code of the category of dispute")
    )
    insurance_types = serializers.ListField(
        child=serializers.CharField(max_length=40),
        required=False,
        max_length=20,
        help_text=both("险种代码列表", "codes of the insurance types concerned"),
    )
    amount = serializers.DecimalField(
        max_digits=None,
        decimal_places=None,  # as sent: the window's form refuses more than two decimals
        required=False,
        allow_null=True,
        help_text=both("争议金额（元，两位小数）", "amount in dispute in yuan, two decimals"),
    )
    claim = serializers.CharField(help_text=both("诉求", "what the caller asks for"))
    summary = serializers.CharField(help_text=both("主要内容", "what the matter is about"))
    due_at = serializers.DateTimeField(
        required=False,
        allow_null=True,
        help_text=both("热线要求的办理时限（ISO 8601）", "the hotline's own deadline (ISO 8601)"),
    )
    attachments = serializers.ListField(
        child=AttachmentSerializer(),
        required=False,
        max_length=MAX_ATTACHMENTS,
        help_text=both("附件，至多5个", "attachments, at most five"),
    )


class ReceiptSerializer(serializers.Serializer):
    """What a hotline is told when its work order became a case (or was already one)."""

    work_order = serializers.CharField(help_text=both("工单编号", "work-order number"))
    case = serializers.CharField(help_text=both("案件编号", "case number"))
    query_code = serializers.CharField(
        help_text=both(
            "缴费人查询码（查询办理进度用）", "the payer's query code for the status page"
        )
    )
    status_url = serializers.URLField(
        help_text=both("本案办理情况的接口地址", "API address of this case's status")
    )
    public_status_url = serializers.CharField(
        allow_blank=True,
        help_text=both("缴费人自助查询页面", "the payers' status page (empty if not public)"),
    )


class CaseStatusSerializer(serializers.Serializer):
    """Where a delivered case stands."""

    work_order = serializers.CharField(help_text=both("工单编号", "work-order number"))
    case = serializers.CharField(help_text=both("案件编号", "case number"))
    state = serializers.CharField(help_text=both("案件状态代码", "state code"))
    state_label = serializers.CharField(help_text=both("案件状态", "state, in Chinese"))
    received_at = serializers.DateTimeField(help_text=both("受理时间", "received at"))
    centre = serializers.CharField(help_text=both("处理中心", "the centre handling it"))
    handling_unit = serializers.CharField(
        help_text=both("承办单位（牵头部门，未分办时为处理中心）", "the unit handling it")
    )
    stage = serializers.CharField(
        allow_blank=True, help_text=both("当前办理环节代码", "current stage code")
    )
    stage_label = serializers.CharField(
        allow_blank=True, help_text=both("当前办理环节", "current stage, in Chinese")
    )
    due_at = serializers.DateTimeField(
        allow_null=True, help_text=both("当前环节的办理期限", "due moment of the current stage")
    )
    system_due_at = serializers.DateTimeField(
        allow_null=True, help_text=both("热线要求的办理时限", "the hotline's own deadline")
    )
    reply = serializers.CharField(
        allow_blank=True, help_text=both("书面答复（答复后）", "the written reply, once given")
    )
    replied_at = serializers.DateTimeField(
        allow_null=True, help_text=both("答复时间", "replied at")
    )
    outcome = serializers.CharField(
        allow_blank=True,
        help_text=both(
            "办理结果：缴费人的意见、异议处理结果、退单或撤单理由",
            "outcome: the payer's response, the objection's outcome, why returned or cancelled",
        ),
    )
    closed_at = serializers.DateTimeField(allow_null=True, help_text=both("办结时间", "closed at"))


class UrgeSerializer(serializers.Serializer):
    note = serializers.CharField(
        max_length=500,
        required=False,
        allow_blank=True,
        help_text=both("催办说明", "what the urging says"),
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=500, help_text=both("撤单理由", "why the hotline cancels the work order")
    )


class ActionResultSerializer(serializers.Serializer):
    case = serializers.CharField(help_text=both("案件编号", "case number"))
    state = serializers.CharField(help_text=both("案件状态代码", "state code"))
    state_label = serializers.CharField(help_text=both("案件状态", "state, in Chinese"))
    message = serializers.CharField(help_text=both("处理结果说明", "what was done"))


class ErrorSerializer(serializers.Serializer):
    error = serializers.CharField(help_text=both("错误代码", "error code"))
    message = serializers.CharField(help_text=both("错误说明", "what is wrong, in Chinese"))
    fields = serializers.DictField(
        required=False,
        help_text=both(
            "逐字段的错误（仅输入无效时），嵌套字段按层级给出",
            "errors field by field (invalid input only), nested as the input is",
        ),
    )
