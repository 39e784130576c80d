"""The shape of a case number in a URL.

A case number is at most 32 characters (``Dispute.number``) and never holds a slash or a NUL
character; a path that is not such a number matches no URL (404) instead of reaching the
database (PostgreSQL refuses NUL characters in a query).
"""

from django.urls import register_converter


class CaseNumberConverter:
    regex = r"[^/\x00]{1,32}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


def register() -> None:
    register_converter(CaseNumberConverter, "case")
