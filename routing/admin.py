from django.contrib import admin

from routing.models import Referral, RoutingRule, Transfer


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    list_display = [
        "category",
        "insurance_type",
        "county",
        "lead_department",
        "suggested_classification",
        "active",
    ]
    list_filter = ["category", "lead_department", "active"]
    filter_horizontal = ["co_departments"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Transfer)
class TransferAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "from_centre", "to_centre", "by", "at"]


@admin.register(Referral)
class ReferralAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "referred_at", "report_back_by", "dispatched_to", "dispatched_at"]
