from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("leading-group/", views.workbench, name="workbench"),
    path("meetings/", views.meeting_list, name="meetings"),
    path("meetings/new/", views.meeting_create, name="meeting_create"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting"),
    path("meetings/<int:pk>/edit/", views.meeting_edit, name="meeting_edit"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting_cancel"),
    path("meetings/<int:pk>/agenda/", views.agenda_add, name="agenda_add"),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/remove/",
        views.agenda_remove,
        name="agenda_remove",
    ),
    path(
        "meetings/<int:pk>/agenda/<int:item_pk>/decision/",
        views.item_decision,
        name="decision",
    ),
    path("meetings/<int:pk>/attendees/", views.attendee_add, name="attendee_add"),
    path("meetings/<int:pk>/attendance/", views.meeting_attendance, name="attendance"),
    path("meetings/<int:pk>/issues/", views.issue_raise, name="issue_raise"),
    path("meetings/<int:pk>/minutes/", views.minutes, name="minutes"),
    path("meetings/<int:pk>/minutes/submit/", views.minutes_submit, name="minutes_submit"),
    path("meetings/<int:pk>/minutes/sign/", views.minutes_sign, name="minutes_sign"),
    path("meetings/<int:pk>/minutes/issue/", views.minutes_issue, name="minutes_issue"),
    path("decision-tasks/<int:pk>/done/", views.decision_task_done, name="decision_task_done"),
    path("<case:number>/opinion/", views.OpinionView.as_view(), name="opinion"),
    path("<case:number>/decline/", views.DeclineView.as_view(), name="decline"),
    path("<case:number>/consolidate/", views.ConsolidateView.as_view(), name="consolidate"),
    path("<case:number>/reassign/", views.ReassignView.as_view(), name="reassign"),
    path("<case:number>/discipline/", views.DisciplineView.as_view(), name="discipline"),
    path("<case:number>/escalate/", views.EscalateView.as_view(), name="escalate"),
    path("<case:number>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<case:number>/return/", views.ReturnView.as_view(), name="return_escalation"),
    path("<case:number>/court-report/", views.CourtReportView.as_view(), name="court_report"),
    path("<case:number>/supervise/", views.SupervisionOpenView.as_view(), name="supervise"),
    path(
        "<case:number>/supervision/report/",
        views.SupervisionReportView.as_view(),
        name="supervision_report",
    ),
    path(
        "<case:number>/supervision/close/",
        views.SupervisionCloseView.as_view(),
        name="supervision_close",
    ),
]
