"""`/api/v1/`: every app's resources (each app's `api/urls.py` lists `routes`), the OpenAPI schema
and its docs page. Adding a resource: a serializer and a viewset in the app's `api/`, and one line
in its `routes`."""

from importlib import import_module

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path, reverse
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from . import schema  # noqa: F401  (registers the authentication schemes)

APPS_WITH_API = ["victims", "support", "facilities", "reporting"]

router = SimpleRouter()
for app in APPS_WITH_API:
    for prefix, viewset, basename in import_module(f"{app}.api.urls").routes:
        router.register(prefix, viewset, basename=basename)


class ApiRoot(APIView):
    """The resources this API serves (links)."""

    open_to_every_actor = True

    @extend_schema(responses=inline_serializer("ApiRoot", {"resources": serializers.DictField(child=serializers.URLField())}))
    def get(self, request):
        resources = {prefix: request.build_absolute_uri(reverse(f"api:{basename}-list"))
                     for prefix, _viewset, basename in router.registry}
        return Response({"resources": resources})


@extend_schema(exclude=True)
class NotFoundView(APIView):
    """Any other address under /api/: a 404 in the API's error shape, not the HTML page."""

    open_to_every_actor = True

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()


class SchemaView(SpectacularAPIView):
    open_to_every_actor = True


app_name = "api"

urlpatterns = [
    path("v1/", ApiRoot.as_view(), name="root"),
    path("v1/", include(router.urls)),
    path("v1/schema/", SchemaView.as_view(), name="schema"),
    # The docs pages are for signed-in officials (their assets are vendored: drf-spectacular-sidecar).
    path("v1/docs/", login_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("v1/redoc/", login_required(SpectacularRedocView.as_view(url_name="api:schema")), name="redoc"),
    re_path(r"^.*$", NotFoundView.as_view(), name="not-found"),
]
