from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerView

from api.events_views import EventList

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="docs-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:docs-schema"), name="docs-swagger"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:docs-schema"), name="docs-redoc"),
    path("v1/events/", EventList.as_view(), name="events"),
]
