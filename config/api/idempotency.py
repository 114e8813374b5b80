"""Idempotency-Key on create calls: a retried POST answers the first response and creates nothing.

The key is stored with its caller (the client's service user, or the signed-in user), the request's
hash (method, path, body) and the response. Same key, same body: the stored response (with
`Idempotent-Replayed: true`). Same key, another body: 422. Same key while the first call still runs:
409. A refused or failed call frees its key (nothing was created), so it may be retried.
"""

import hashlib
import json

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.response import Response

from accounts.models import IdempotencyRecord

from .errors import Conflict, IdempotencyConflict

HEADER = "Idempotency-Key"
MAX_LENGTH = 255
REPLAYED_HEADERS = ("Location", "ETag")


def request_hash(request) -> str:
    body = json.dumps(request.data, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(f"{request.method} {request.path}\n{body}".encode()).hexdigest()


def idempotent(request, create):
    """Run `create()` (which returns a Response) at most once per Idempotency-Key of this caller."""
    key = (request.headers.get(HEADER) or "").strip()
    if not key:
        return create()
    from rest_framework.exceptions import ValidationError

    if len(key) > MAX_LENGTH:
        raise ValidationError({HEADER: [_("At most 255 characters.")]})
    digest = request_hash(request)
    try:
        with transaction.atomic():
            record = IdempotencyRecord.objects.create(
                key=key, user=request.user, method=request.method, path=request.path[:255], request_hash=digest,
            )
    except IntegrityError:
        record = IdempotencyRecord.objects.get(user=request.user, key=key)
        if record.request_hash != digest:
            raise IdempotencyConflict() from None
        if record.status_code is None:
            raise Conflict(_("A request with this Idempotency-Key is still being processed.")) from None
        response = Response(record.response_body, status=record.status_code, headers=record.response_headers)
        response["Idempotent-Replayed"] = "true"
        return response
    try:
        response = create()
    except BaseException:
        record.delete()  # refused or failed: nothing was created, the key may be used again
        raise
    if response.status_code >= 400:
        record.delete()
        return response
    record.status_code = response.status_code
    record.response_body = response.data
    record.response_headers = {name: response[name] for name in REPLAYED_HEADERS if response.has_header(name)}
    record.save(update_fields=["status_code", "response_body", "response_headers"])
    return response
