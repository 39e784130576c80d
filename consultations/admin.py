from django.contrib import admin

from consultations.models import (
    AgendaItem,
    Attendance,
    CourtEnforcement,
    DecisionTask,
    DepartmentTask,
    DisciplineReferral,
    Meeting,
    Minutes,
    PolicyIssue,
    SupervisedUnit,
    Supervision,
    SupervisionReport,
)
from departments.admin import ReadOnlyAdmin, ReadOnlyInline

# Everything here is written by the application (its services keep the timeline, the
# deadlines and the state machine in step), so the admin reads it only. Issued minutes are
# immutable in any case: the model refuses to save them.


@admin.register(DepartmentTask)
class DepartmentTaskAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "department", "role", "status", "opened_at", "answered_at"]
    list_filter = ["status", "role", "department"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department"]


@admin.register(DisciplineReferral)
class DisciplineReferralAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "department", "decided_by", "decided_at"]
    search_fields = ["=dispute__number"]
    list_select_related = ["dispute", "department", "decided_by"]


class AttendanceInline(ReadOnlyInline):
    model = Attendance


class AgendaInline(ReadOnlyInline):
    model = AgendaItem


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "held_at", "place", "office", "status"]
    list_filter = ["kind", "status", "office"]
    search_fields = ["title"]
    inlines = [AgendaInline, AttendanceInline]


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "meeting", "status", "sign_off_by", "issued_at"]
    list_filter = ["status"]
    search_fields = ["number", "meeting__title"]
    list_select_related = ["meeting", "sign_off_by"]


@admin.register(DecisionTask)
class DecisionTaskAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "department", "owner", "due_date", "status"]
    list_filter = ["status", "department"]
    list_select_related = ["department", "owner"]


@admin.register(CourtEnforcement)
class CourtEnforcementAdmin(ReadOnlyAdmin):
    list_display = ["dispute", "court", "sent_at", "status", "reported_at"]
    list_filter = ["status"]
    list_select_related = ["dispute", "court"]


@admin.register(PolicyIssue)
class PolicyIssueAdmin(ReadOnlyAdmin):
    list_display = ["title", "kind", "office", "meeting", "raised_at"]
    list_filter = ["kind"]


class SupervisedUnitInline(ReadOnlyInline):
    model = SupervisedUnit


class SupervisionReportInline(ReadOnlyInline):
    model = SupervisionReport


@admin.register(Supervision)
class SupervisionAdmin(ReadOnlyAdmin):
    list_display = ["number", "dispute", "office", "due_date", "status", "opened_at", "closed_at"]
    list_filter = ["status", "office"]
    search_fields = ["number", "=dispute__number"]
    list_select_related = ["dispute", "office"]
    inlines = [SupervisedUnitInline, SupervisionReportInline]
