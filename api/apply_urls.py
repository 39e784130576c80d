from django.urls import path

from api import apply

app_name = "apply"
urlpatterns = [
    path("", apply.apply, name="form"),
    path("<case:number>/", apply.apply_done, name="done"),
    path("<case:number>/receipt.pdf", apply.apply_receipt, name="receipt"),
]
