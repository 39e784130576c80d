from django.contrib import admin

from departments.admin import ReadOnlyAdmin
from reports.models import ArchivedDocument


@admin.register(ArchivedDocument)
class ArchivedDocumentAdmin(ReadOnlyAdmin):
    """Written once at archiving: readable, never editable or deletable."""

    list_display = ["dispute", "position", "title", "pages", "size", "sha256", "rendered_at"]
    list_filter = ["kind"]
    search_fields = ["=dispute__number", "=dispute__archive_number"]
    list_select_related = ["dispute"]
