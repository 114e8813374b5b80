"""Errors in one shape (drf-standardized-errors): `{"type": ..., "errors": [{"code", "detail", "attr"}]}`.

The services raise Django's ValidationError (field -> messages with codes): they become 400 with
one entry per field error, or 409 when the error is a conflict with the record's state (a request
already decided, an item not approved or being superseded). Http404 / PermissionDenied keep their
generic DRF form (an out-of-scope id reveals nothing).
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils.translation import gettext_lazy as _
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status
from rest_framework.serializers import as_serializer_error

# Service error codes that mean "the record is not in a state that allows this".
CONFLICT_CODES = frozenset({"already_decided", "not_approved", "being_superseded", "not_pending",
                            "already_answered"})


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The record is not in a state that allows this.")
    default_code = "conflict"


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The record has changed since you read it: read it again (If-Match).")
    default_code = "precondition_failed"


class IdempotencyConflict(exceptions.APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_detail = _("This Idempotency-Key was used with a different request.")
    default_code = "idempotency_key_reused"


def _codes(error: DjangoValidationError) -> set[str]:
    return {e.code for e in error.error_list} if not hasattr(error, "error_dict") else {
        e.code for errors in error.error_dict.values() for e in errors}


def from_django(error: DjangoValidationError) -> exceptions.APIException:
    if _codes(error) & CONFLICT_CODES:
        return Conflict(detail=" ".join(error.messages), code="conflict")
    detail = as_serializer_error(error)
    if "__all__" in detail:
        detail["non_field_errors"] = detail.pop("__all__")
    return exceptions.ValidationError(detail)


class Handler(ExceptionHandler):
    def get_response(self, exc, data):
        response = super().get_response(exc, data)
        request = getattr(self.context.get("request"), "_request", None)
        if request is not None and response.status_code in (403, 404):
            from victims.readmodel import log_refused

            log_refused(request, response.status_code)  # id guessing shows on the managers' page
        return response

    def convert_known_exceptions(self, exc):
        if isinstance(exc, DjangoValidationError):
            return from_django(exc)
        if isinstance(exc, PermissionDenied):
            return exceptions.PermissionDenied(str(exc) or None)
        return super().convert_known_exceptions(exc)
