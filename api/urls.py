from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api import views
from api.events_views import EventList

app_name = "api"
urlpatterns = [
    path("v1/work-orders/", views.WorkOrderCreate.as_view(), name="work_orders"),
    path("v1/work-orders/<order:number>/", views.WorkOrderDetail.as_view(), name="work_order"),
    path("v1/work-orders/<order:number>/urge/", views.WorkOrderUrge.as_view(), name="urge"),
    path("v1/work-orders/<order:number>/cancel/", views.WorkOrderCancel.as_view(), name="cancel"),
    path("v1/cases/<case:number>/", views.CaseDetail.as_view(), name="case"),
    path("schema/", SpectacularAPIView.as_view(), name="docs-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:docs-schema"), name="docs-swagger"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:docs-schema"), name="docs-redoc"),
    path("v1/events/", EventList.as_view(), name="events"),
]
