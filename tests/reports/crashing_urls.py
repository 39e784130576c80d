"""A URLconf with one view that fails, to see the server-error page the handler gives."""

from django.urls import path

from config.urls import handler500, urlpatterns  # noqa: F401  (the project's handlers)


def crash(request):
    raise RuntimeError("a bug")


urlpatterns = [path("crash/", crash), *urlpatterns]
