from django.urls import path

from consultations import views

app_name = "consultations"
urlpatterns = [
    path("tasks/", views.task_list, name="tasks"),
    path("<str:number>/opinion/", views.OpinionView.as_view(), name="opinion"),
    path("<str:number>/consolidate/", views.ConsolidateView.as_view(), name="consolidate"),
    path("<str:number>/escalate/", views.EscalateView.as_view(), name="escalate"),
    path("<str:number>/approve/", views.ApproveView.as_view(), name="approve"),
    path("<str:number>/return/", views.ReturnView.as_view(), name="return_escalation"),
    path("<str:number>/decide/", views.DecideView.as_view(), name="decide"),
]
