from django.contrib import admin

from consultations.models import DepartmentTask
from departments.admin import ReadOnlyAdmin


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "department", "role", "status", "opened_at", "answered_at"]
    list_filter = ["status", "role", "department"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department"]
