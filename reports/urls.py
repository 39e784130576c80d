from django.urls import path

from reports import views

app_name = "reports"
urlpatterns = [
    path("", views.home, name="home"),
    path("access-log/", views.access_log, name="access_log"),
    path("inbox/", views.inbox, name="inbox"),
    path("documents/", views.document_list, name="documents"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger/export/", views.ledger_export, name="ledger-export"),
    path("ledger/exports/<int:pk>/", views.ledger_export_status, name="ledger-export-status"),
    path(
        "ledger/exports/<int:pk>/download/",
        views.ledger_export_download,
        name="ledger-export-download",
    ),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard-data"),
    path("evaluation/", views.evaluation, name="evaluation"),
    path("evaluation/pdf/", views.evaluation_pdf, name="evaluation-pdf"),
    path("evaluation/circulars/", views.circulars, name="circulars"),
    path("accountability/", views.accountability, name="accountability"),
    path(
        "accountability/<int:pk>/decide/",
        views.accountability_decide,
        name="accountability-decide",
    ),
    path("documents/<case:number>/<slug:kind>/", views.document, name="document"),
    # Before the parts: "reissue" is no part's key (a department's code, a meeting's id).
    path(
        "documents/<case:number>/<slug:kind>/reissue/",
        views.document_reissue,
        name="document_reissue",
    ),
    path("documents/<case:number>/<slug:kind>/<slug:part>/", views.document, name="document_part"),
]
