from django.urls import path

from routing import views

app_name = "routing"
urlpatterns = [
    path("<case:number>/classify/", views.ClassifyView.as_view(), name="classify"),
    path("<case:number>/transfer/", views.TransferView.as_view(), name="transfer"),
    path("<case:number>/refer/", views.ReferView.as_view(), name="refer"),
    path("<case:number>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
    path("<case:number>/pause/", views.PauseView.as_view(), name="pause"),
    path("<case:number>/resume/", views.ResumeView.as_view(), name="resume"),
    path("<case:number>/urge/", views.UrgeView.as_view(), name="urge"),
    path("deadlines/<int:pk>/extend/", views.extension_request, name="extension_request"),
    path("extensions/<int:pk>/decide/", views.extension_decide, name="extension_decide"),
]
