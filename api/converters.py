"""The shape of a work-order number in a URL: a path that cannot be one matches nothing (404)."""

from django.urls import register_converter

from api.serializers import WORK_ORDER_NUMBER


class WorkOrderNumberConverter:
    regex = WORK_ORDER_NUMBER.removeprefix("^").removesuffix("$")

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(WorkOrderNumberConverter, "order")
