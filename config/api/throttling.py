from rest_framework.throttling import SimpleRateThrottle


class ClientRateThrottle(SimpleRateThrottle):
    """A rate per API client (its service user; a browser session: its user), counted in Redis
    (the default cache). Over the rate: 429 with Retry-After."""

    scope = "client"

    def get_cache_key(self, request, view):
        if not request.user or not request.user.is_authenticated:
            return self.cache_format % {"scope": self.scope, "ident": f"ip:{self.get_ident(request)}"}
        client = getattr(request._request, "api_client", None)
        ident = f"client:{client.pk}" if client is not None else f"user:{request.user.pk}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
