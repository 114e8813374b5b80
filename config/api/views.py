"""The base of every API viewset: rights per action, the access log, ETag / If-Match and
Idempotency-Key. A resource is a serializer, a viewset (`ScopedViewSet` with the `List`,
`Retrieve`, `Create`, `PartialUpdate` it offers, listed before it) and a router line."""

import hashlib
import json

from django.db import transaction
from django.shortcuts import get_object_or_404
from rest_framework import status, viewsets
from rest_framework.response import Response

from victims.readmodel import log_reads

from .errors import PreconditionFailed
from .idempotency import idempotent


def etag_for(data) -> str:
    body = json.dumps(data, sort_keys=True, default=str, ensure_ascii=False)
    return '"' + hashlib.sha256(body.encode()).hexdigest()[:32] + '"'


class ScopedViewSet(viewsets.GenericViewSet):
    """`get_queryset` must come from a selector taking `self.actor` (the one door): it is scoped,
    carries the masking flags the serializer reads, and an id outside it answers 404."""

    rights: dict = {}
    metadata_class = None  # no OPTIONS descriptions: the OpenAPI schema describes the API
    log_label = ""  # access-log action prefix, e.g. "api.case"
    idempotent_create = False

    @property
    def actor(self):
        return self.request._request.actor

    @property
    def user(self):
        return self.request.user

    def log(self, objects, verb: str) -> None:
        log_reads(self.actor, objects, f"{self.log_label}.{verb}", getattr(self.request._request, "request_id", ""))

    def read_serializer_class(self):
        return self.serializer_class

    def read_serializer(self, obj):
        """The created/updated record as this actor reads it (re-fetched through the scope)."""
        fresh = self.get_queryset().get(pk=obj.pk)
        return self.read_serializer_class()(fresh, context=self.get_serializer_context()).data


class List:
    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        rows = list(page if page is not None else queryset)
        self.log(rows, "list")
        data = self.get_serializer(rows, many=True).data
        return self.get_paginated_response(data) if page is not None else Response(data)


class Retrieve:
    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        self.log([obj], "view")
        data = self.get_serializer(obj).data
        return Response(data, headers={"ETag": etag_for(data)})


class Create:
    """POST with an optional Idempotency-Key (config.api.idempotency)."""

    idempotent_create = True

    def create(self, request, *args, **kwargs):
        return idempotent(request, lambda: self._create(request))

    def _create(self, request):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        obj = self.perform_create(serializer)
        self.log([obj], "create")
        data = self.read_serializer(obj)
        return Response(data, status=status.HTTP_201_CREATED, headers={"ETag": etag_for(data)})


class PartialUpdate:
    """PATCH with an optional If-Match: a stale ETag answers 412 and changes nothing."""

    def get_object_for_update(self):
        queryset = self.get_queryset().select_for_update(of=("self",))
        lookup = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
        obj = get_object_or_404(queryset, **{self.lookup_field: lookup})
        self.check_object_permissions(self.request, obj)
        return obj

    def partial_update(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = self.get_object_for_update()
            current = self.read_serializer_class()(obj, context=self.get_serializer_context()).data
            expected = request.headers.get("If-Match")
            if expected and expected.strip() not in {etag_for(current), f"W/{etag_for(current)}", "*"}:
                raise PreconditionFailed()
            serializer = self.get_serializer(obj, data=request.data, partial=True)
            serializer.is_valid(raise_exception=True)
            updated = self.perform_update(serializer)
        self.log([updated], "update")
        data = self.read_serializer(updated)
        return Response(data, headers={"ETag": etag_for(data)})
