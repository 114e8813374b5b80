"""What the cases run against: the personas, chosen from the dataset where the pages are heaviest
(the province with the most cases, the border post with the most cases), and the records they open."""

from dataclasses import dataclass

from django.db import connection
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.models import Membership, User


@dataclass
class Persona:
    user: User
    agency_id: int
    agency_ids: list[int]  # agencies whose owned cases the scope opens
    province_id: int | None  # a provincial department's province


def _one(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()


def _user(agency_id: int, role: str) -> User:
    return Membership.objects.select_related("user").filter(
        agency_id=agency_id, role=role, is_active=True,
    ).order_by("pk").first().user


class Bench:
    def __init__(self):
        province_id, agency_id = _one(
            "SELECT c.province_id, a.id FROM victims_case c JOIN accounts_agency a ON a.jurisdiction_id = c.province_id "
            "JOIN accounts_agencytype t ON t.id = a.type_id AND t.code = 'social_affairs_department' "
            "WHERE EXISTS (SELECT 1 FROM accounts_membership m WHERE m.agency_id = a.id AND m.role = 'approver') "
            "GROUP BY 1, 2 ORDER BY count(*) DESC, 1 LIMIT 1")
        in_province = [r[0] for r in _all(
            "SELECT a.id FROM accounts_agency a LEFT JOIN accounts_administrativeunit u ON u.id = a.jurisdiction_id "
            "WHERE a.jurisdiction_id = %s OR u.parent_id = %s", [province_id, province_id])]
        self.approver = Persona(_user(agency_id, "approver"), agency_id, sorted({agency_id, *in_province}),
                                province_id)
        (border_id,) = _one(
            "SELECT c.owning_agency_id FROM victims_case c JOIN accounts_agency a ON a.id = c.owning_agency_id "
            "JOIN accounts_agencytype t ON t.id = a.type_id AND t.code = 'border_guard' "
            "GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")
        self.caseworker = Persona(_user(border_id, "caseworker"), border_id, [border_id], None)
        long_case = _one("SELECT id FROM victims_case WHERE intake_key LIKE 'syn-long-%%' AND province_id = %s "
                         "ORDER BY id LIMIT 1", [province_id]) or _one(
            "SELECT t.case_id FROM victims_statustransition t JOIN victims_case c ON c.id = t.case_id "
            "WHERE c.province_id = %s GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1", [province_id])
        self.long_case_id = long_case[0]
        self.timeline = _one(
            "SELECT (SELECT count(*) FROM victims_statustransition WHERE case_id = %s), "
            "(SELECT count(*) FROM victims_followupvisit WHERE case_id = %s)", [self.long_case_id] * 2)
        # A pending request, preferably one the persona's department decides (the bench undoes the decision).
        request_id, decider_agency_id = _one(
            "SELECT r.id, r.deciding_agency_id FROM support_supportrequest r WHERE r.status = 'pending' "
            "ORDER BY (r.deciding_agency_id = %s) DESC, r.id LIMIT 1", [agency_id]) or (None, agency_id)
        self.pending_request_id, self.decider_agency_id = request_id, decider_agency_id
        self.decider = _user(decider_agency_id, "approver")
        self.decision_id, pdf_agency_id = _one(
            "SELECT id, agency_id FROM support_supportdecision WHERE number IS NOT NULL "
            "ORDER BY (agency_id = %s) DESC, id LIMIT 1", [agency_id])
        self.pdf_reader = _user(pdf_agency_id, "approver")
        self._clients = {}

    def actor_for(self, persona: Persona) -> User:
        """The persona's user acting through their membership of the persona's agency (for services)."""
        from accounts.actor import act_as

        user = persona.user
        act_as(user, Membership.objects.filter(user=user, agency_id=persona.agency_id, is_active=True).order_by("pk").first())
        return user

    def client_for(self, persona: Persona) -> Client:
        """A client signed in with both factors, as after the two login steps."""
        from django_otp.plugins.otp_totp.models import TOTPDevice

        user = persona.user
        if user.pk not in self._clients:
            device, _ = TOTPDevice.objects.get_or_create(user=user, name="bench", defaults={"confirmed": True})
            client = Client()
            client.force_login(user)
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()
            self._clients[user.pk] = client
        return self._clients[user.pk]

    def dataset_summary(self) -> str:
        counts = {}
        with connection.cursor() as cursor:
            for table in ("victims_person", "victims_case", "victims_statustransition", "victims_caseevent",
                          "victims_accesslog", "support_supportrequest", "facilities_stay",
                          "victims_followupvisit"):
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
                counts[table] = cursor.fetchone()[0]
        return ", ".join(f"{t.split('_', 1)[1]} ≈{n:,}" for t, n in counts.items())

    def describe(self) -> str:
        a, c = self.approver, self.caseworker
        scope = _one("SELECT count(*) FROM victims_case WHERE province_id = %s OR owning_agency_id = ANY(%s)",
                     [a.province_id, a.agency_ids])[0]
        own = _one("SELECT count(*) FROM victims_case WHERE owning_agency_id = %s", [c.agency_id])[0]
        transitions, visits = self.timeline
        return (f"approver {a.user.username} (scope ≈{scope:,} cases), border-post caseworker "
                f"{c.user.username} ({own:,} cases), long case #{self.long_case_id} ({transitions} status "
                f"changes, {visits} visits)")


def _all(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()
