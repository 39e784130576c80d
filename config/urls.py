from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from disputes.views import public_status

urlpatterns = [
    path("", include("reports.urls")),
    path("accounts/", include("departments.urls")),
    path("cases/", include("disputes.urls")),
    path("status/", public_status, name="public_status"),
    path("routing/", include("routing.urls")),
    path("consultations/", include("consultations.urls")),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
