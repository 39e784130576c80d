from django.contrib import admin

from departments.admin import ReadOnlyAdmin
from reports.models import ArchivedDocument, ExportJob


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(ReadOnlyAdmin):
    """Written once at archiving: readable, never editable or deletable."""

    list_display = ["dispute", "position", "title", "pages", "size", "sha256", "rendered_at"]
    list_filter = ["kind"]
    search_fields = ["=dispute__number", "=dispute__archive_number"]
    list_select_related = ["dispute"]


@admin.register(ExportJob)
class ExportJobAdmin(ReadOnlyAdmin):
    """The ledger's large exports: who asked for which filter, how far, until when."""

    list_display = ["requester", "format", "status", "done", "total", "created_at", "expires_at"]
    list_filter = ["status", "format"]
    list_select_related = ["requester"]
