"""The work-order endpoints. Thin: the serializers check shapes, ``api.services`` does the work."""

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from api import services
from api.base import ApiView
from api.permissions import system_of
from api.serializers import (
    ActionResultSerializer,
    CancelSerializer,
    CaseStatusSerializer,
    ErrorSerializer,
    ReceiptSerializer,
    UrgeSerializer,
    WorkOrderSerializer,
)

ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="输入无效 / invalid input"),
    401: OpenApiResponse(ErrorSerializer, description="缺少或未知的密钥 / no or unknown key"),
    403: OpenApiResponse(ErrorSerializer, description="密钥已吊销或过期 / key revoked or expired"),
    413: OpenApiResponse(ErrorSerializer, description="请求过大 / request too large"),
    429: OpenApiResponse(ErrorSerializer, description="请求过于频繁 / too many requests"),
}
NOT_FOUND = {404: OpenApiResponse(ErrorSerializer, description="无此工单 / no such work order")}
TAGS = ["工单 / work orders"]
ORDER_NUMBER = [
    OpenApiParameter(
        "number", str, OpenApiParameter.PATH, description="工单编号 / work-order number"
    )
]
CASE_NUMBER = [
    OpenApiParameter("number", str, OpenApiParameter.PATH, description="案件编号 / case number")
]
CONFLICT = {409: OpenApiResponse(ErrorSerializer, description="与已有内容冲突 / conflict")}


def _receipt(request, order) -> dict:
    public = settings.PUBLIC_BASE_URL
    return {
        "work_order": order.number,
        "case": order.dispute.number,
        "query_code": order.dispute.query_code,
        "status_url": request.build_absolute_uri(
            reverse("api:case", kwargs={"number": order.dispute.number})
        ),
        "public_status_url": f"{public.rstrip('/')}{reverse('public_status')}" if public else "",
    }


def _order(request, **lookup):
    order = services.order_of(system_of(request), **lookup)
    if order is None:
        raise NotFound(_("This system handed in no such work order."))
    return order


class WorkOrderCreate(ApiView):
    @extend_schema(
        operation_id="work_order_create",
        tags=TAGS,
        summary="提交工单 / hand in a work order",
        description=(
            "工单登记为案件，进入事项所在地处理中心的受理队列。同一系统、同一工单编号重复提交："
            "内容相同返回原案件（200），内容不同返回 409。 The work order becomes a case at the "
            "centre of the place where the matter lies; the same number again returns the same "
            "case (200), with different content 409."
        ),
        request=WorkOrderSerializer,
        responses={
            201: OpenApiResponse(ReceiptSerializer, description="已登记 / registered"),
            200: OpenApiResponse(ReceiptSerializer, description="此前已登记 / registered before"),
            **ERRORS,
            **CONFLICT,
        },
    )
    def post(self, request):
        serializer = WorkOrderSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        order, created = services.hand_in(
            system=system_of(request), data=serializer.validated_data, raw=request.data
        )
        return Response(
            ReceiptSerializer(_receipt(request, order)).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class WorkOrderDetail(ApiView):
    @extend_schema(
        operation_id="work_order_status",
        tags=TAGS,
        parameters=ORDER_NUMBER,
        summary="工单办理情况 / status of a work order",
        responses={200: CaseStatusSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, number):
        order = _order(request, number=number)
        return Response(CaseStatusSerializer(services.status_of(order)).data)


class CaseDetail(ApiView):
    @extend_schema(
        operation_id="case_status",
        tags=TAGS,
        parameters=CASE_NUMBER,
        summary="案件办理情况 / status of a case",
        description="仅限本系统提交的案件。 Only cases this system handed in.",
        responses={200: CaseStatusSerializer, **ERRORS, **NOT_FOUND},
    )
    def get(self, request, number):
        order = _order(request, case=number)
        return Response(CaseStatusSerializer(services.status_of(order)).data)


def _result(case, message: str) -> dict:
    return {
        "case": case.number,
        "state": case.state,
        "state_label": case.get_state_display(),
        "message": message,
    }


class WorkOrderUrge(ApiView):
    @extend_schema(
        operation_id="work_order_urge",
        tags=TAGS,
        parameters=ORDER_NUMBER,
        summary="催办 / urge",
        description=(
            "通知处理中心并记入案件时间线；已办结的案件返回 409。 Tells the owning centre and "
            "records it on the case; a finished case answers 409."
        ),
        request=UrgeSerializer,
        responses={200: ActionResultSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
    )
    def post(self, request, number):
        order = _order(request, number=number)
        serializer = UrgeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services.urge(order=order, note=serializer.validated_data.get("note", ""))
        return Response(_result(case, _("The centre has been urged.")))


class WorkOrderCancel(ApiView):
    @extend_schema(
        operation_id="work_order_cancel",
        tags=TAGS,
        parameters=ORDER_NUMBER,
        summary="撤单 / cancel",
        description=(
            "按案件流程撤回案件；已撤回的再次撤单返回原结果，已办结的返回 409。 Withdraws the "
            "case; cancelling again answers the same, a case that ended otherwise 409."
        ),
        request=CancelSerializer,
        responses={200: ActionResultSerializer, **ERRORS, **NOT_FOUND, **CONFLICT},
    )
    def post(self, request, number):
        order = _order(request, number=number)
        serializer = CancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case, done = services.cancel(order=order, reason=serializer.validated_data["reason"])
        message = _("The case has been withdrawn.") if done else _("The case was withdrawn before.")
        return Response(_result(case, message))
