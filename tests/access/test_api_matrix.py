"""The permission matrix of the API: caller × endpoint × method × object in/out of scope → status.

Callers: browser sessions (the Lạng Sơn centre caseworker, the Lạng Sơn department manager, the
partner, whose browser session is refused) and tokens of API clients: the Hà Nội partner (DT-HN,
role partner_api, every scope), a client of another agency (the Hà Nội centre, caseworker), the
Lạng Sơn centre as caseworker and as approver, an expired and a revoked partner token, a partner
token without the needed scope (statistics only), and no credentials at all.
Reports: home, Lạng Sơn's annual report (its department reads it), away, Hà Nội's; a centre's approver
prepares no report (an empty list, 404 for each).
Objects (tests/api/conftest.py): home (TT-LS, shared with the partner for case.view, support.view,
support.deliver and facility.view) and away (TT-HN, shared with nobody).

Reading the codes: 200/201 done; 401 no valid credentials; 403 the role or the token's scopes do not
allow this kind of action; 404 the object does not exist for this caller; 405 not offered; 409 the
record's state does not allow it (a request or a referral already decided).
Referrals (set up per test): home, the Lạng Sơn centre's file referred to the Hà Nội centre (identity
shared); away, the Hà Nội centre's file referred to the Lạng Sơn centre. The second accept of home
answers 409; the partner reads home's referral through its share of the case, never answers one.
"""

import pytest
from django.test import Client
from django.utils import timezone
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.actor import act_as
from accounts.models import ApiScope
from accounts.roles import Role
from config.api.urls import router
from support.services import delivery_record
from tests.api.world import api_for, make_token, manager_of
from tests.factories import province, totp_device
from victims.contacts import contact_record
from victims.models import ContactChannel, ContactKind, ContactOutcome, ServiceKind, SharedPart
from victims.referrals import referral_send

pytestmark = pytest.mark.django_db

CALLERS = ["s_cen", "s_dmg", "s_par", "t_par", "t_oth", "t_cen", "t_apr", "t_exp", "t_rev", "t_nos", "anon"]

# endpoint           method  object        s_cen s_dmg s_par t_par t_oth t_cen t_apr t_exp t_rev t_nos anon
MATRIX = """
root                 GET     -             200   200   401   200   200   200   200   401   401   200   401
schema               GET     -             200   200   401   200   200   200   200   401   401   200   401
case-list            GET     -             200   200   401   200   200   200   200   401   401   403   401
case-list            POST    -             405   405   401   405   405   405   405   401   401   405   401
case-detail          GET     home          200   200   401   200   404   200   200   401   401   403   401
case-detail          GET     away          404   404   401   404   200   404   404   401   401   403   401
case-detail          PATCH   home          405   405   401   405   405   405   405   401   401   405   401
case-detail          DELETE  home          405   405   401   405   405   405   405   401   401   405   401
person-list          GET     -             200   200   401   200   200   200   200   401   401   403   401
person-detail        GET     home          200   200   401   200   404   200   200   401   401   403   401
person-detail        GET     away          404   404   401   404   200   404   404   401   401   403   401
person-detail        PUT     home          405   405   401   405   405   405   405   401   401   405   401
support-request-list GET     -             200   200   401   200   200   200   200   401   401   403   401
support-request-list POST    -             405   405   401   405   405   405   405   401   401   405   401
support-request-detail GET   home          200   200   401   200   404   200   200   401   401   403   401
support-request-detail GET   away          404   404   401   404   200   404   404   401   401   403   401
support-request-detail PATCH home          405   405   401   405   405   405   405   401   401   405   401
support-request-decide POST  home          403   403   401   403   403   403   409   401   401   403   401
support-request-decide POST  away          403   403   401   403   403   403   404   401   401   403   401
support-request-decide GET   home          405   405   401   405   405   405   405   401   401   405   401
delivery-list        GET     -             200   200   401   200   200   200   200   401   401   403   401
delivery-list        POST    home          201   403   401   201   404   201   403   401   401   403   401
delivery-list        POST    away          404   403   401   404   201   404   403   401   401   403   401
delivery-detail      GET     home          200   200   401   200   404   200   200   401   401   403   401
delivery-detail      GET     away          404   404   401   404   200   404   404   401   401   403   401
delivery-detail      DELETE  home          405   405   401   405   405   405   405   401   401   405   401
facility-list        GET     -             200   200   401   200   200   200   200   401   401   403   401
facility-detail      GET     home          200   200   401   200   404   200   200   401   401   403   401
facility-detail      GET     away          404   404   401   404   200   404   404   401   401   403   401
facility-detail      PATCH   home          403   200   401   403   403   403   403   401   401   403   401
facility-detail      PATCH   away          403   404   401   403   403   403   403   401   401   403   401
facility-detail      PUT     home          405   405   401   405   405   405   405   401   401   405   401
stay-list            GET     -             200   200   401   200   200   200   200   401   401   403   401
stay-detail          GET     home          200   200   401   200   404   200   200   401   401   403   401
stay-detail          GET     away          404   404   401   404   200   404   404   401   401   403   401
stay-detail          POST    home          405   405   401   405   405   405   405   401   401   405   401
referral-list        GET     -             200   200   401   403   200   200   403   401   401   403   401
referral-list        POST    home          201   201   401   403   404   201   403   401   401   403   401
referral-list        POST    away          404   404   401   403   201   404   403   401   401   403   401
referral-sent        GET     -             200   200   401   403   200   200   403   401   401   403   401
referral-detail      GET     home          200   200   401   200   200   200   200   401   401   403   401
referral-detail      GET     away          200   404   401   404   200   200   200   401   401   403   401
referral-detail      PATCH   home          405   405   401   405   405   405   405   401   401   405   401
referral-detail      DELETE  home          405   405   401   405   405   405   405   401   401   405   401
referral-accept      POST    home          403   403   401   403   200   403   403   401   401   403   401
referral-accept      POST    home          403   403   401   403   409   403   403   401   401   403   401
referral-decline     POST    away          200   404   401   403   403   200   403   401   401   403   401
referral-accept      POST    away          409   404   401   403   403   409   403   401   401   403   401
referral-accept      GET     home          405   405   401   405   405   405   405   401   401   405   401
referral-decline     POST    home          403   403   401   403   409   403   403   401   401   403   401
contact-list         GET     -             200   200   401   403   200   200   200   401   401   403   401
contact-list         POST    -             201   201   401   403   201   201   403   401   401   403   401
contact-detail       GET     home          200   200   401   403   404   200   200   401   401   403   401
contact-detail       GET     away          404   404   401   403   200   404   404   401   401   403   401
contact-detail       PATCH   home          405   405   401   405   405   405   405   401   401   405   401
statistics-list      GET     -             403   200   401   403   403   403   200   401   401   403   401
statistics-list      POST    -             405   405   401   405   405   405   405   401   401   405   401
programme-activity-list GET  -             200   200   401   403   200   200   200   401   401   403   401
programme-activity-list POST -             201   201   401   403   201   201   403   401   401   403   401
programme-activity-detail GET home         200   200   401   403   404   200   200   401   401   403   401
programme-activity-detail GET away         404   404   401   403   200   404   404   401   401   403   401
programme-activity-detail PATCH home       200   404   401   403   404   200   403   401   401   403   401
programme-activity-detail PATCH away       404   404   401   403   200   404   403   401   401   403   401
programme-activity-detail PUT home         405   405   401   405   405   405   405   401   401   405   401
programme-activity-detail DELETE home      405   405   401   405   405   405   405   401   401   405   401
deidentified-dataset-list GET -            403   403   401   403   403   403   403   401   401   403   401
deidentified-dataset-list POST -           405   405   401   405   405   405   405   401   401   405   401
deidentified-dataset-xlsx GET -            403   403   401   403   403   403   403   401   401   403   401
deidentified-dataset-csv GET  -            403   403   401   403   403   403   403   401   401   403   401
report-list          GET     -             403   200   401   403   403   403   200   401   401   403   401
report-list          POST    -             405   405   401   405   405   405   405   401   401   405   401
report-detail        GET     home          403   200   401   403   403   403   404   401   401   403   401
report-detail        GET     away          403   404   401   403   403   403   404   401   401   403   401
report-pdf           GET     home          403   200   401   403   403   403   404   401   401   403   401
report-pdf           GET     away          403   404   401   403   403   403   404   401   401   403   401
report-xlsx          GET     home          403   200   401   403   403   403   404   401   401   403   401
report-xlsx          GET     away          403   404   401   403   403   403   404   401   401   403   401
"""


def _rows():
    rows = []
    for line in MATRIX.strip().splitlines():
        endpoint, method, obj, *codes = line.split()
        assert len(codes) == len(CALLERS), line
        rows.append((endpoint, method, obj, dict(zip(CALLERS, map(int, codes), strict=True))))
    return rows


ROWS = _rows()


def _session(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def _caller(world, name):
    agencies, personas = world.agencies, world.personas
    if name == "anon":
        return Client()
    if name.startswith("s_"):
        user = {"s_cen": personas["centre_caseworker"], "s_dmg": personas["department_manager"],
                "s_par": personas["partner"]}[name]
        return _session(user)
    agency, role, scopes = {
        "t_par": ("DT-HN", Role.PARTNER_API, None), "t_exp": ("DT-HN", Role.PARTNER_API, None),
        "t_rev": ("DT-HN", Role.PARTNER_API, None), "t_nos": ("DT-HN", Role.PARTNER_API, [ApiScope.STATISTICS_READ]),
        "t_oth": ("TT-HN", Role.CASEWORKER, None), "t_cen": ("TT-LS", Role.CASEWORKER, None),
        "t_apr": ("TT-LS", Role.APPROVER, None),
    }[name]
    _client, token, secret = make_token(agencies[agency], role=role, scopes=scopes)
    if name == "t_exp":
        type(token).objects.filter(pk=token.pk).update(expiry=timezone.now() - timezone.timedelta(minutes=1))
    if name == "t_rev":
        from accounts.apiclients import api_token_revoke

        api_token_revoke(user=manager_of(agencies[agency]), token=token)
    return api_for(secret)


def _deliveries(world):
    """One delivery on each file's approved line (one of its two items left to deliver)."""
    out = {}
    for side in ("home", "away"):
        planted = getattr(world, side)
        centre = planted.case.owning_agency
        caseworker = centre.memberships.filter(role=Role.CASEWORKER).first().user
        out[side] = delivery_record(user=caseworker, agency=centre, line=planted.line,
                                    delivered_on=timezone.localdate(), method="in_kind", quantity=1)
    return out


def _referrals_and_contacts(world):
    """home: the Lạng Sơn centre refers its file to the Hà Nội centre (sharing the identity);
    away: the Hà Nội centre refers its file to the Lạng Sơn centre. One contact logged by each."""
    out = {}
    for side, receiver in (("home", "TT-HN"), ("away", "TT-LS")):
        planted = getattr(world, side)
        centre = planted.case.owning_agency
        caseworker = centre.memberships.filter(role=Role.CASEWORKER).first().user
        out[f"referral-{side}"] = referral_send(
            user=caseworker, case=planted.case, receiving_agency=world.agencies[receiver], reason="Cần tạm trú",
            services=[ServiceKind.SHELTER], shared_parts=[SharedPart.IDENTITY])
        out[f"contact-{side}"] = contact_record(
            user=caseworker, agency=centre, occurred_at=timezone.now(), channel=ContactChannel.HOTLINE_111,
            kind=ContactKind.INFORMATION, outcome=ContactOutcome.ANSWERED, summary="Hỏi thủ tục")
    return out


def _activities(world):
    """home: the Lạng Sơn centre's activity in Lạng Sơn; away: the Hà Nội centre's in Hà Nội."""
    from reporting.services import activity_create

    out = {}
    for side, code, where in (("home", "TT-LS", "lang son"), ("away", "TT-HN", "ha noi")):
        membership = world.agencies[code].memberships.filter(role=Role.CASEWORKER).first()
        out[f"activity-{side}"] = activity_create(
            actor=act_as(membership.user, membership), kind="communication", held_on=timezone.localdate(),
            province=province(where), title="Truyền thông", participants=50)
        del membership.user.acting_membership
    return out


def _reports(world):
    """home: Lạng Sơn's annual report of the closed 2025 year, rendered; away: Hà Nội's."""
    import datetime

    from reporting.models import ReportRun
    from reporting.report_render import run_render
    from reporting.report_services import reports_draft_closed_periods

    out = {}
    for report in reports_draft_closed_periods(today=datetime.date(2025, 12, 20)):
        if report.report_type.code == "annual":
            side = "home" if report.province == province("lang son") else "away"
            out[f"report-{side}"] = report
            run_render(ReportRun.objects.get(report=report).pk)
    return out


def _request(world, deliveries, endpoint, method, obj):
    planted = getattr(world, obj) if obj != "-" else None
    pk = {"case": lambda: planted.case.pk, "person": lambda: planted.person.pk,
          "support-request": lambda: planted.request.pk, "delivery": lambda: deliveries[obj].pk,
          "facility": lambda: planted.facility.pk, "stay": lambda: planted.stay.pk,
          "referral": lambda: deliveries[f"referral-{obj}"].pk, "contact": lambda: deliveries[f"contact-{obj}"].pk,
          "programme-activity": lambda: deliveries[f"activity-{obj}"].pk,
          "report": lambda: deliveries[f"report-{obj}"].pk}
    base = endpoint.rsplit("-", 1)[0]
    if endpoint == "root":
        path = "/api/v1/"
    elif endpoint == "schema":
        path = "/api/v1/schema/"
    elif endpoint.endswith("-list"):
        path = f"/api/v1/{router_prefix(base)}/"
    elif endpoint.endswith("-decide"):
        path = f"/api/v1/support-requests/{planted.request.pk}/decision/"
    elif endpoint == "referral-sent":
        path = "/api/v1/referrals/sent/"
    elif endpoint in ("deidentified-dataset-xlsx", "deidentified-dataset-csv"):
        path = f"/api/v1/deidentified-dataset/{endpoint.rsplit('-', 1)[1]}/"
    elif endpoint in ("report-pdf", "report-xlsx"):
        path = f"/api/v1/reports/{pk['report']()}/{endpoint.split('-')[1]}/"
    elif endpoint in ("referral-accept", "referral-decline"):
        path = f"/api/v1/referrals/{pk['referral']()}/{endpoint.split('-')[1]}/"
    else:
        path = f"/api/v1/{router_prefix(base)}/{pk[base]()}/"
    body = {}
    if endpoint == "delivery-list" and method == "POST":
        body = {"line": planted.line.pk, "delivered_on": timezone.localdate().isoformat(), "method": "in_kind",
                "quantity": 1}
    elif endpoint == "support-request-decide":
        body = {"lines": [{"line": planted.line.pk, "decision": "approve"}]}
    elif endpoint == "facility-detail" and method in ("PATCH", "PUT"):
        body = {"beds": 30}
    elif endpoint == "referral-list" and method == "POST":
        body = {"case": planted.case.pk, "receiving_agency": "DT-HN", "reason": "Hỗ trợ tâm lý",
                "services": ["psychological"], "shared_parts": []}
    elif endpoint == "referral-decline":
        body = {"reason": "Hết chỗ"}
    elif endpoint == "contact-list" and method == "POST":
        body = {"channel": "hotline_111", "kind": "information", "outcome": "answered", "summary": "Hỏi đường"}
    elif endpoint == "programme-activity-list" and method == "POST":
        body = {"kind": "training", "held_on": "2025-08-01", "province": province("lang son").code,
                "title": "Tập huấn", "participants": 20, "trainees": 20}
    elif endpoint == "programme-activity-detail" and method in ("PATCH", "PUT"):
        body = {"participants": 90}
    elif endpoint == "contact-detail" and method == "PATCH":
        body = {"summary": "Sửa"}
    return path, body


def router_prefix(basename: str) -> str:
    return next(prefix for prefix, _viewset, name in router.registry if name == basename)


@pytest.mark.parametrize("caller", CALLERS)
def test_api_matrix(world, caller, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client = _caller(world, caller)
    deliveries = {**_deliveries(world), **_referrals_and_contacts(world), **_activities(world), **_reports(world)}
    wrong = []
    for endpoint, method, obj, expected in ROWS:
        path, body = _request(world, deliveries, endpoint, method, obj)
        response = getattr(client, method.lower())(path, body, content_type="application/json") if method != "GET" \
            else client.get(path)
        if response.status_code != expected[caller]:
            wrong.append(f"{caller} {method} {path} ({endpoint} {obj}): {response.status_code}, "
                         f"expected {expected[caller]} {response.content[:200]!r}")
    assert not wrong, "\n".join(wrong)


def test_the_matrix_covers_every_endpoint_and_method():
    """A new resource or method fails here until its rows are in the matrix."""
    offered = {("root", "GET"), ("schema", "GET")}
    for _prefix, viewset, basename in router.registry:
        for route in router.get_routes(viewset):
            mapping = router.get_method_map(viewset, route.mapping)
            if not mapping:
                continue
            name = route.name.format(basename=basename)
            offered |= {(name, method.upper()) for method in mapping if method != "head"}
    in_matrix = {(endpoint, method) for endpoint, method, _obj, _codes in ROWS}
    assert offered <= in_matrix, sorted(offered - in_matrix)
