"""Bad input on every create/edit form and POST endpoint: a clear answer, never a 500, nothing half-saved.

The endpoints come from the permission matrices (every POST row some persona may use, with that
persona and the matrix's own objects), so a new form is covered as soon as it has its matrix row.
For each, the form is read from its page and sent again with bad values: a NUL byte, a 10 MB field,
emoji, decomposed (NFD) Vietnamese, HTML/script, SQL-like text, negative and huge numbers,
impossible dates; then twice the same (a double submit), and without or with a foreign CSRF token.
A refused submission changes no row (all rows of the apps counted before and after); an accepted one
stores the text safely and its page shows it escaped.
"""

import datetime
import unicodedata
from html.parser import HTMLParser

import pytest
from django.apps import apps
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from tests.access import test_facilities_matrix as facilities_matrix
from tests.access import test_support_matrix as support_matrix
from tests.access import test_victims_matrix as victims_matrix
from tests.access.test_facilities_matrix import objects  # noqa: F401  (fixture)
from tests.access.test_support_matrix import sides  # noqa: F401  (fixture)
from tests.access.test_victims_matrix import cases  # noqa: F401  (fixture)
from tests.factories import totp_device

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
TEXT_VALUES = {
    "nul": "Lò Thị\x00 Mai",
    "emoji": "Mai 😀👩‍👧 🇻🇳",
    "nfd": unicodedata.normalize("NFD", "Nguyễn Thị Đào, xã Tường Dương"),
    "html": SCRIPT,
    "sql": "'; DROP TABLE victims_case; -- \" OR 1=1",
}
NUMBER_VALUES = ["-5", "99999999999999999999999999", "1e400", "NaN"]
DATE_VALUES = ["31/02/2026", "00/00/0000", "01/01/0001", "99/99/99999", "2026-13-45"]
TEN_MB = "A" * (10 * 1024 * 1024)
COUNTED_APPS = ("accounts", "victims", "support", "facilities")
NOT_COUNTED = {"accesslog", "loginfailure", "passwordresetattempt"}  # reads and attempts are logged


def _logged_in_personas(codes, personas_order):
    return [p for p, code in zip(personas_order, codes, strict=True)
            if code in (200, 302) and p not in ("anonymous", "partner")]


def _endpoints():
    """(id, app, url name/key, persona) for every POST some persona may send."""
    found = []
    for name, method, scope, codes in victims_matrix.ROWS:
        if method == "POST":
            for persona in _logged_in_personas(codes, victims_matrix.PERSONAS)[:1]:
                found.append((f"victims:{name}:{scope}", "victims", (name, scope), persona))
    for name, method, target, codes in support_matrix.ROWS:
        if method == "POST":
            for persona in _logged_in_personas(codes, support_matrix.PERSONAS)[:1]:
                found.append((f"support:{name}:{target}", "support", (name, target), persona))
    for name, key, query, allowed, _denied, get_only in facilities_matrix.ROWS:
        if not get_only:
            found.append((name, "facilities", (name, key, query), sorted(allowed)[0]))
    for slug in victims_matrix_intake_steps():
        found.append((f"intake:{slug}", "intake", slug, "centre_caseworker"))
    found.append(("victims:intake_start", "intake_start", None, "centre_caseworker"))
    return found


def victims_matrix_intake_steps():
    from tests.access.test_intake_matrix import STEPS

    return STEPS


ENDPOINTS = _endpoints()


def _url(app, spec, fixtures):
    if app == "victims":
        name, scope = spec
        return victims_matrix.url_for(name, {"home": fixtures["cases"].home, "away": fixtures["cases"].away,
                                             "-": None}[scope])
    if app == "support":
        name, target = spec
        return support_matrix.url_for(name, target, fixtures["sides"])
    if app == "facilities":
        name, key, query = spec
        return facilities_matrix._url(fixtures["objects"], name, key, query)
    if app == "intake":
        return reverse("victims:intake_step", args=[fixtures["cases"].home.pk, spec])
    return reverse("victims:intake_start")


class _FormReader(HTMLParser):
    """The fields of the page's own POST form (not the header's language, role or logout forms)."""

    def __init__(self, path):
        super().__init__()
        self.path, self.forms, self.current, self.select, self.textarea = path, [], None, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            action = a.get("action") or ""
            if (a.get("method") or "").lower() == "post" and (not action or action.startswith("?")
                                                             or action.split("?")[0] == self.path):
                self.current = {"fields": {}, "kinds": {}, "action": action}
                self.forms.append(self.current)
            return
        if self.current is None or not a.get("name"):
            return
        name, fields, kinds = a["name"], self.current["fields"], self.current["kinds"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if name not in fields:
                    fields[name], kinds[name] = a.get("value", "on"), "choice"
                return
            fields[name] = a.get("value", "")
            kinds[name] = "hidden" if kind == "hidden" else _kind(name, kind, a)
        elif tag == "select":
            self.select = name
            fields.setdefault(name, "")
            kinds[name] = "choice"
        elif tag == "option" and self.select and not fields.get(self.select) and a.get("value"):
            fields[self.select] = a["value"]
        elif tag == "textarea":
            fields[name], kinds[name] = "", "text"

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None
        elif tag == "select":
            self.select = None


def _kind(name, input_type, attrs):
    if input_type == "number" or attrs.get("inputmode") in ("numeric", "decimal"):
        return "number"
    lowered = name.lower()
    if "date" in lowered or lowered.endswith(("_on", "_at", "_from", "_to", "_until")) \
            or "dd/mm" in (attrs.get("placeholder") or "").lower():
        return "date"
    return "text"


def _form(client, url):
    path = url.split("?")[0]
    page = client.get(url)
    if page.status_code == 405:  # a POST-only button (revoke, withdraw, re-render): no fields
        return {"fields": {}, "kinds": {}, "action": ""}
    assert page.status_code == 200, (url, page.status_code)
    reader = _FormReader(path)
    reader.feed(page.content.decode())
    forms = [f for f in reader.forms if f["fields"]]
    return forms[0] if forms else {"fields": {}, "kinds": {}, "action": ""}


def _baseline(form):
    data = {}
    yesterday = (datetime.date.today() - datetime.timedelta(days=1)).strftime("%d/%m/%Y")
    for name, value in form["fields"].items():
        kind = form["kinds"][name]
        if name == "csrfmiddlewaretoken":
            continue
        if kind in ("hidden", "choice"):
            data[name] = value
        elif kind == "date":
            data[name] = value or yesterday
        elif kind == "number":
            data[name] = value or "1"
        else:
            data[name] = value or "Nội dung kiểm tra"
    return data


def _counts():
    counts = {}
    for label in COUNTED_APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.model_name not in NOT_COUNTED and not model._meta.model_name.endswith("event"):
                counts[model._meta.label] = model.objects.count()
    return counts


def _signed_in(user, **kwargs):
    client = Client(**kwargs)
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def _variants(form, base):
    """(label, data) for every bad value, in the fields of the matching kind."""
    kinds = form["kinds"]
    texts = [n for n, k in kinds.items() if k == "text"]
    numbers = [n for n, k in kinds.items() if k == "number"]
    dates = [n for n, k in kinds.items() if k == "date"]
    for label, value in TEXT_VALUES.items():
        if texts:
            yield label, {**base, **dict.fromkeys(texts, value)}
    for value in NUMBER_VALUES:
        if numbers:
            yield f"number {value}", {**base, **dict.fromkeys(numbers, value)}
    for value in DATE_VALUES:
        if dates:
            yield f"date {value}", {**base, **dict.fromkeys(dates, value)}
    # Choices that are not among the options, and ids that are not numbers.
    choices = [n for n, k in kinds.items() if k == "choice"]
    if choices:
        yield "foreign choice", {**base, **dict.fromkeys(choices, "-1' OR '1'='1")}


def _check(client, url, data, label, escaped_pages):
    before = _counts()
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400, 403, 404), f"{label}: {response.status_code}"
    if response.status_code == 302:
        escaped_pages.append(response["Location"])
    else:
        assert _counts() == before, f"{label}: a refused submission changed rows"
        if label == "html":
            assert SCRIPT not in response.content.decode(), "the form shows the script unescaped"
    return response


@pytest.mark.parametrize(("endpoint", "app", "spec", "persona"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_bad_input_never_breaks_a_form(request, personas, endpoint, app, spec, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fixtures = {name: request.getfixturevalue(name) for name in ("cases", "sides", "objects")
                if (name == "cases" and app in ("victims", "intake", "intake_start"))
                or (name == "sides" and app == "support") or (name == "objects" and app == "facilities")}
    url = _url(app, spec, fixtures)
    client = _signed_in(personas[persona])
    form = _form(client, url)
    base = _baseline(form)
    escaped_pages = []
    for label, data in _variants(form, base):
        _check(client, url, data, label, escaped_pages)

    # A 10 MB field: refused before the view (Django's upload limit), a clear 400.
    big_field = next((n for n, k in form["kinds"].items() if k == "text"), "note")
    before = _counts()
    big = client.post(url, {**base, big_field: TEN_MB})
    assert big.status_code in (200, 302, 400, 413)
    if big.status_code != 302:  # refused: nothing saved (a POST-only button that reads no body may act)
        assert _counts() == before

    # Accepted text is stored as typed (NFC) and shown escaped wherever the user was sent.
    for location in escaped_pages:
        page = client.get(location, follow=True)
        assert page.status_code == 200
        assert SCRIPT not in page.content.decode()


@pytest.mark.parametrize(("endpoint", "app", "spec", "persona"), ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_a_double_submit_and_csrf(request, personas, endpoint, app, spec, persona, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    fixtures = {name: request.getfixturevalue(name) for name in ("cases", "sides", "objects")
                if (name == "cases" and app in ("victims", "intake", "intake_start"))
                or (name == "sides" and app == "support") or (name == "objects" and app == "facilities")}
    url = _url(app, spec, fixtures)
    user = personas[persona]

    # No CSRF token, or another session's: refused (403), nothing saved.
    strict = _signed_in(user, enforce_csrf_checks=True)
    form = _form(strict, url)
    base = _baseline(form)
    before = _counts()
    assert strict.post(url, base).status_code == 403
    other = _signed_in(user, enforce_csrf_checks=True)
    other.get(url)
    foreign = other.cookies["csrftoken"].value if "csrftoken" in other.cookies else "x" * 64
    assert strict.post(url, {**base, "csrfmiddlewaretoken": foreign}).status_code == 403
    assert _counts() == before

    # The same form twice (a double click): at most one change.
    client = _signed_in(user)
    first = client.post(url, base)
    assert first.status_code in (200, 302, 400, 403, 404)
    after_first = _counts()
    second = client.post(url, base)
    assert second.status_code in (200, 302, 400, 403, 404)
    if "form_token" in base or "idempotency_key" in base:
        assert _counts() == after_first, "a double submit saved twice"


SEARCHES = ["accounts:admin_units", "support:request_list", "facilities:list", "facilities:stays",
            "victims:case_list", "victims:intake_communes"]


@pytest.mark.parametrize("name", SEARCHES)
def test_search_boxes_take_any_text(client_for, name):
    client = client_for("centre_caseworker")
    for value in [*TEXT_VALUES.values(), "%", "_", "\\", "a" * 5000]:
        response = client.get(reverse(name), {"q": value}, follow=True)
        assert response.status_code == 200, (name, value[:20])
        assert SCRIPT not in response.content.decode()
