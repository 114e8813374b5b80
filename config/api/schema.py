"""OpenAPI (drf-spectacular) with the error responses partners must handle (drf-standardized-errors):
400, 401, 403, 404, 429 on every operation where they can happen, and 409 (conflict with the
record's state or a key in use), 412 (stale If-Match) and 422 (Idempotency-Key reused with another
body) on writes."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter
from drf_standardized_errors.openapi import AutoSchema as StandardizedErrorsSchema
from drf_standardized_errors.openapi_serializers import ClientErrorEnum
from rest_framework import serializers

WRITE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class _Error(serializers.Serializer):
    code = serializers.CharField()
    detail = serializers.CharField()
    attr = serializers.CharField(allow_null=True)


def _response(name: str, type_: str):
    return type(name, (serializers.Serializer,), {
        "type": serializers.ChoiceField(choices=ClientErrorEnum.choices),
        "errors": _Error(many=True),
    })


ErrorResponse409Serializer = _response("ErrorResponse409Serializer", "client_error")
ErrorResponse412Serializer = _response("ErrorResponse412Serializer", "client_error")
ErrorResponse422Serializer = _response("ErrorResponse422Serializer", "client_error")

IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="A unique key per intended create (e.g. a UUID). Retrying with the same key and body "
                "answers the first response without creating again; another body with the key: 422.",
)
IF_MATCH = OpenApiParameter(
    "If-Match", OpenApiTypes.STR, OpenApiParameter.HEADER, required=False,
    description="The ETag of the record as read; a stale one answers 412 and changes nothing.",
)


class AutoSchema(StandardizedErrorsSchema):
    def _should_add_error_response(self, responses: dict, status_code: str) -> bool:
        if status_code in {"409", "422"}:
            return self.method in WRITE_METHODS and status_code not in responses and self.method != "DELETE"
        if status_code == "412":
            return self.method in {"PUT", "PATCH"} and status_code not in responses
        if status_code in {"405", "406", "415", "500"}:
            return False
        return super()._should_add_error_response(responses, status_code)

    def get_override_parameters(self):
        params = list(super().get_override_parameters())
        if self.method == "POST" and getattr(self.view, "idempotent_create", False):
            params.append(IDEMPOTENCY_KEY)
        if self.method in {"PUT", "PATCH"}:
            params.append(IF_MATCH)
        return params


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.ApiTokenAuthentication"
    name = "partnerToken"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "header", "name": "Authorization",
                "description": "`Token <secret>`: a token an agency manager created for the client."}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "config.api.authentication.ApiSessionAuthentication"
    name = "browserSession"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
