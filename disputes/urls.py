from django.urls import path

from disputes import views

app_name = "disputes"
urlpatterns = [
    path("", views.dispute_list, name="list"),
    path("new/", views.dispute_create, name="create"),
    path("payers/lookup/", views.payer_lookup, name="payer_lookup"),
    path("export.csv", views.dispute_export, name="export"),
    path("<case:number>/", views.dispute_detail, name="detail"),
    path("<case:number>/reveal/", views.reveal_number, name="reveal"),
    path("<case:number>/access/", views.access_grants, name="access"),
    path("<case:number>/access/<int:group_id>/revoke/", views.access_revoke, name="access_revoke"),
    path("<case:number>/attachments/", views.attachment_upload, name="attachment_upload"),
    path(
        "<case:number>/attachments/<int:pk>/", views.attachment_download, name="attachment_download"
    ),
    path("<case:number>/reply/", views.ReplyView.as_view(), name="reply"),
    path("<case:number>/accept/", views.AcceptView.as_view(), name="accept"),
    path("<case:number>/follow-up/", views.FollowUpView.as_view(), name="follow_up"),
    path("<case:number>/redo/", views.RedoView.as_view(), name="redo"),
    path(
        "<case:number>/close-explained/",
        views.CloseExplainedView.as_view(),
        name="close_explained",
    ),
    path("<case:number>/object/", views.ObjectView.as_view(), name="object"),
    path("<case:number>/outcome/", views.OutcomeView.as_view(), name="record_outcome"),
    path("<case:number>/archive/", views.ArchiveView.as_view(), name="archive"),
    path("<case:number>/withdraw/", views.WithdrawView.as_view(), name="withdraw"),
    path("<case:number>/return/", views.ReturnView.as_view(), name="return"),
]
