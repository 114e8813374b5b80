"""Search filters that may carry personal data never travel in the URL (OWASP ASVS 14.2.1).

A name, an ID number or a phone typed into a GET form ends up in the browser's history, in the web
server's access log and in any proxy's. Instead the form posts; the filter is kept in the session
under a short random key and the browser is sent to `?f=<key>`. Pagination and sorting (`page`,
`sort`) stay in the URL next to the key, so links, the back button and reloading still work for as
long as the session lives.

A view uses it in a few lines:

    params = private_filters.params(request, "victims:case_list")
    if isinstance(params, HttpResponse):
        return params                      # the redirect to ?f=<key>
    form = MyFilterForm(params or None)

A GET that carries filters itself (an old bookmark, a hand-typed URL) is moved into the session the
same way, so the name leaves the address bar at once.
"""

import secrets

from django.http import HttpResponse, HttpResponseRedirect, QueryDict

KEY_PARAM = "f"
# What may stay in the URL: never personal data.
PUBLIC_PARAMS = frozenset({"page", "sort"})
SESSION_KEY = "private_filters"
MAX_SAVED = 30  # per session; the oldest go first
IGNORED = frozenset({"csrfmiddlewaretoken", KEY_PARAM})


def _saved(request) -> dict:
    return request.session.get(SESSION_KEY) or {}


def save(request, scope: str, data: QueryDict) -> str:
    """Keep the filters for this list (scope) and return their key."""
    filters = {name: data.getlist(name) for name in data if name not in IGNORED | PUBLIC_PARAMS}
    saved = dict(_saved(request))
    for key, entry in saved.items():  # the same search again: the same key (history stays short)
        if entry["scope"] == scope and entry["filters"] == filters:
            return key
    key = secrets.token_urlsafe(6)
    saved[key] = {"scope": scope, "filters": filters}
    while len(saved) > MAX_SAVED:
        saved.pop(next(iter(saved)))
    request.session[SESSION_KEY] = saved
    return key


def load(request, scope: str, key: str) -> QueryDict:
    """The filters kept under this key for this list; empty when unknown (expired, another user)."""
    entry = _saved(request).get(key or "")
    params = QueryDict(mutable=True)
    if entry and entry["scope"] == scope:
        for name, values in entry["filters"].items():
            params.setlist(name, values)
    return params


def _redirect(request, key: str, keep: QueryDict) -> HttpResponseRedirect:
    query = QueryDict(mutable=True)
    if key:
        query[KEY_PARAM] = key
    for name in PUBLIC_PARAMS:
        if name in keep:
            query.setlist(name, keep.getlist(name))
    return HttpResponseRedirect(f"{request.path}?{query.urlencode()}" if query else request.path)


def params(request, scope: str) -> QueryDict | HttpResponse:
    """The list's filters (saved ones, plus page and sort from the URL), or a redirect to ?f=<key>."""
    if request.method == "POST":
        typed = any(value for name in request.POST if name not in IGNORED | PUBLIC_PARAMS
                    for value in request.POST.getlist(name))
        return _redirect(request, save(request, scope, request.POST) if typed else "", request.POST)
    private = [name for name in request.GET if name not in PUBLIC_PARAMS | {KEY_PARAM}]
    if private:
        merged = load(request, scope, request.GET.get(KEY_PARAM, ""))
        for name in private:
            merged.setlist(name, request.GET.getlist(name))
        return _redirect(request, save(request, scope, merged), request.GET)
    result = load(request, scope, request.GET.get(KEY_PARAM, ""))
    for name in PUBLIC_PARAMS:
        if name in request.GET:
            result.setlist(name, request.GET.getlist(name))
    return result
