import re
import uuid

import pghistory.middleware

_REQUEST_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Give every request an id (kept from a trusted proxy header when well-formed) for logs and audit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response["X-Request-ID"] = request.request_id
        return response


class NoStoreForSignedInMiddleware:
    """Pages seen by a signed-in user may show personal data: browsers and proxies must not keep them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "no-store, private"
            response["Pragma"] = "no-cache"
        return response


class HistoryMiddleware(pghistory.middleware.HistoryMiddleware):
    """Change history rows carry who made the change, in which request, for which agency."""

    def get_context(self, request):
        context = super().get_context(request)
        context["request_id"] = getattr(request, "request_id", None)
        membership = getattr(request, "membership", None)
        context["agency"] = membership.agency_id if membership else None
        return context


class RefusedAccessLogMiddleware:
    """Write refused attempts on victim-data URLs (404 and 403 raised by the views: out of scope,
    not allowed) to the access log, so id guessing is visible to the agency's managers."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from victims.readmodel import log_refused

        if isinstance(exception, Http404):
            log_refused(request, 404)
        elif isinstance(exception, PermissionDenied):
            log_refused(request, 403)
        return None


class VietnameseFirstLocaleMiddleware:
    """The UI language: Vietnamese unless the user chose another with the language button.

    Django's LocaleMiddleware follows the browser's Accept-Language, so an office computer set up in
    English opened this national system in English. The explicit choice (the language cookie that
    django.views.i18n.set_language writes) is remembered; the browser's setting is not asked.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        supported = {code for code, _name in settings.LANGUAGES}
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
