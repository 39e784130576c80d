from django.contrib import admin
from django.urls import include, path

from disputes.views import public_rate, public_status

# Nothing under MEDIA_ROOT has a URL, in any mode: attachments and archived documents leave the
# system only through the views that check the case's visibility (disputes.uploads).
urlpatterns = [
    path("", include("reports.urls")),
    path("accounts/", include("departments.urls")),
    path("cases/", include("disputes.urls")),
    path("status/", public_status, name="public_status"),
    path("status/rate/", public_rate, name="public_rate"),
    path("apply/", include("api.apply_urls")),
    path("routing/", include("routing.urls")),
    path("consultations/", include("consultations.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]

handler400 = "config.errors.bad_request"
handler403 = "config.errors.permission_denied"
handler404 = "config.errors.page_not_found"
handler500 = "config.errors.server_error"
