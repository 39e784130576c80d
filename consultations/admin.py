from django.contrib import admin

from consultations.models import DepartmentTask


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(admin.ModelAdmin):
    list_display = ["dispute", "department", "role", "status", "opened_at", "answered_at"]
    list_filter = ["status", "role", "department"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
