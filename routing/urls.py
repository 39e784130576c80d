from django.urls import path

from routing import views

app_name = "routing"
urlpatterns = [
    path("<str:number>/classify/", views.ClassifyView.as_view(), name="classify"),
    path("<str:number>/transfer/", views.TransferView.as_view(), name="transfer"),
    path("<str:number>/refer/", views.ReferView.as_view(), name="refer"),
    path("<str:number>/dispatch/", views.DispatchView.as_view(), name="dispatch"),
]
