"""Shared parts of the partner REST API (`/api/v1/`): authentication (one agency and role per
request), permissions by action and token scope, pagination, throttling per client, errors in one
shape, ETag / If-Match, Idempotency-Key, and the access log. Resources live in each app's `api/`."""
