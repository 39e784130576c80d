"""``GET /api/v1/events/``: a system pulls the events of the cases it handed in."""

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework.response import Response

from api.base import ApiView
from api.events import events_since
from api.events_serializers import EventPageSerializer, EventQuerySerializer, PullErrorSerializer
from api.permissions import system_of


class EventList(ApiView):
    query_parameters = frozenset({"since", "limit"})

    @extend_schema(
        operation_id="events_list",
        summary="拉取事件 / Pull the events",
        description=(
            "返回本系统所提交案件的事件，送达编号大于 since，按编号排序；与推送到回调地址的事件"
            "相同。推送为 POST JSON，请求头 X-Delivery-Id（送达编号）、X-Event-Id（事件标识）、"
            "X-Timestamp（Unix 秒）、X-Signature（sha256= 加上以签名密钥对 "
            '"{X-Timestamp}.{请求体}" 计算的 HMAC-SHA256 十六进制值）；2xx 视为送达，失败按指数'
            "退避重试一天；同一案件的事件按顺序送达，可能重复，请按 X-Event-Id 去重。"
            " / The events of the cases this system handed in, numbered above since, in order: "
            "the same events that are POSTed to the callback URL, with the headers "
            "X-Delivery-Id, X-Event-Id, X-Timestamp (Unix seconds) and X-Signature "
            '("sha256=" and the hex HMAC-SHA256 of "{X-Timestamp}.{body}" keyed with the '
            "signing secret). A 2xx answer delivers; failures are retried with exponential "
            "back-off for a day; a case's events arrive in order, perhaps more than once: "
            "deduplicate by X-Event-Id."
        ),
        parameters=[EventQuerySerializer],
        responses={
            200: EventPageSerializer,
            400: OpenApiResponse(
                PullErrorSerializer, description="参数有误 / since or limit is not valid"
            ),
            401: OpenApiResponse(
                PullErrorSerializer, description="缺少或未知的密钥 / no key, or an unknown one"
            ),
            403: OpenApiResponse(
                PullErrorSerializer,
                description="密钥已吊销或过期，或系统已停用 / key revoked or expired, system off",
            ),
            429: OpenApiResponse(
                PullErrorSerializer, description="请求过于频繁 / too many requests"
            ),
        },
        tags=["events"],
    )
    def get(self, request):
        # A plain dict: an empty ``?limit=`` is refused, not read as "the default".
        query = EventQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        page = events_since(
            system=system_of(request),
            since=query.validated_data["since"],
            limit=query.validated_data["limit"],
        )
        return Response(EventPageSerializer(page).data)
