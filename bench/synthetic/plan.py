"""What happens to each synthetic case, decided before any row is written: the person, the agency,
the dates and the path through the case workflow. Steps turn these stories into rows."""

import datetime
import random

from victims.workflow import Status

from . import names
from .names import draw, pick1, ri

D = datetime.timedelta
LAW_53_FROM = datetime.date(2025, 7, 1)
FIRST_YEAR = 2012

# Share of receptions per agency type (border handovers dominate, DOMAIN.md §1-2).
AGENCY_TYPE_WEIGHTS = [
    ("border_guard", 34), ("police", 22), ("immigration", 7), ("mission_abroad", 7),
    ("commune_committee", 9), ("social_centre", 11), ("victim_support_facility", 4),
    ("partner_organisation", 4), ("social_affairs_department", 2),
]
CHANNELS = {
    "border_guard": [("handed_back_at_border", 75), ("rescued", 25)],
    "police": [("rescued", 60), ("self_reported", 30), ("hotline", 10)],
    "immigration": [("handed_back_at_border", 60), ("received_abroad", 40)],
    "mission_abroad": [("received_abroad", 100)],
    "commune_committee": [("self_reported", 80), ("hotline", 20)],
    "social_centre": [("found_in_facility", 60), ("self_reported", 25), ("other", 15)],
    "victim_support_facility": [("found_in_facility", 70), ("hotline", 30)],
    "partner_organisation": [("hotline", 70), ("self_reported", 30)],
    "social_affairs_department": [("self_reported", 60), ("other", 40)],
}
DESTINATIONS = [("CN", 64), ("KH", 12), ("LA", 6), ("MY", 4), ("TH", 3), ("KR", 2), ("TW", 1.5),
                ("JP", 1), ("MM", 1.5), ("", 5)]
PURPOSES = [("forced_marriage", 32), ("sexual_exploitation", 38), ("forced_labour", 24),
            ("child_sale_adoption", 2.5), ("commercial_surrogacy", 1.5), ("organ_removal", 0.5),
            ("other", 1.5)]
ETHNIC_CODES = [("01", 58), ("08", 16), ("03", 8), ("02", 5), ("09", 4), ("07", 3), ("06", 2), ("05", 2),
                ("04", 1), ("10", 1)]
CLOSED = Status.CLOSED


def table(pairs):
    values, cum = names.weighted(pairs)
    return values, cum


class Story:
    __slots__ = (
        "case_id", "person_id", "org", "province_id", "home_province_id", "received", "created",
        "path", "closure", "followups", "visits", "supports", "stay", "identified_at", "outcome",
        "sex", "birth", "full_name", "folded", "other_names", "ethnic", "nationality", "long",
        "children", "duplicate_of", "approver_org", "next_visit_due", "consent_id", "grant",
    )


class Planner:
    def __init__(self, ref, anchor: datetime.date, ethnic_ids: dict[str, int]):
        self.ref, self.anchor = ref, anchor
        self.ethnic_ids = ethnic_ids
        self.agency_types = table(AGENCY_TYPE_WEIGHTS)
        self.channels = {k: table(v) for k, v in CHANNELS.items()}
        self.destinations = table(DESTINATIONS)
        self.purposes = table(PURPOSES)
        self.ethnic = table(ETHNIC_CODES)
        self.family = table(names.FAMILY_NAMES)
        self.f_middle, self.m_middle = table(names.FEMALE_MIDDLE), table(names.MALE_MIDDLE)
        self.h_family = table(names.HMONG_FAMILY)
        self.h_f_middle, self.h_m_middle = table(names.HMONG_FEMALE_MIDDLE), table(names.HMONG_MALE_MIDDLE)
        from .reference import NORTH_BORDER, SOURCE_WEIGHT
        provinces = ref.provinces
        self.home_provinces = table([(p.pk, SOURCE_WEIGHT.get(p.name_folded, 1)) for p in provinces])
        # Receptions cluster in the border provinces, whatever the home province.
        self.reception_provinces = table([
            (p.pk, 10 if p.name_folded in NORTH_BORDER else (3 if p.name_folded in SOURCE_WEIGHT else 1))
            for p in provinces
        ])
        # Receptions grow over the years (more reporting, more agencies connected).
        days = (anchor - datetime.date(FIRST_YEAR, 1, 1)).days
        self.days = days
        self.missions = [o for o in ref.agencies if o.type == "mission_abroad"]

    def pick(self, rng, tab):
        return draw(rng, tab)

    def name(self, rng, female: bool, hmong: bool) -> str:
        if hmong:
            family = self.pick(rng, self.h_family)
            middle = self.pick(rng, self.h_f_middle if female else self.h_m_middle)
            given = pick1(rng, names.HMONG_FEMALE_GIVEN if female else names.HMONG_MALE_GIVEN)
        else:
            family = self.pick(rng, self.family)
            middle = self.pick(rng, self.f_middle if female else self.m_middle)
            given = pick1(rng, names.FEMALE_GIVEN if female else names.MALE_GIVEN)
            if rng.random() < 0.12:  # two given names: Nguyễn Thị Thu Hà
                given = f"{pick1(rng, names.FEMALE_GIVEN if female else names.MALE_GIVEN)} {given}"
        return f"{family} {middle} {given}"

    def agency(self, rng, province_id):
        kind = self.pick(rng, self.agency_types)
        if kind == "mission_abroad":
            return pick1(rng, self.missions)
        for k in (kind, "police"):
            orgs = self.ref.of(province_id, k)
            if orgs:
                return pick1(rng, orgs)
        return self.ref.of(province_id, "police")[0]

    def story(self, rng, case_id, person_id, long: bool, earlier: list) -> Story:
        s = Story()
        s.case_id, s.person_id, s.long = case_id, person_id, long
        s.duplicate_of = None
        # ~7% are a second reception of someone already received by another agency.
        if earlier and rng.random() < 0.07:
            s.duplicate_of = earlier[rng.randrange(max(0, len(earlier) - 200), len(earlier))]
        u = rng.random()
        day = int(self.days * (u ** 0.6))  # skewed to recent years
        s.received = datetime.date(FIRST_YEAR, 1, 1) + D(days=day)
        if s.duplicate_of is not None:
            first = s.duplicate_of
            s.received = min(self.anchor, first.received + D(days=ri(rng, 0, 60)))
        s.created = datetime.datetime.combine(s.received, datetime.time(7 + ri(rng, 0, 10), ri(rng, 0, 59)))
        if s.duplicate_of is not None:
            first = s.duplicate_of
            s.sex, s.birth, s.ethnic, s.nationality = first.sex, first.birth, first.ethnic, first.nationality
            s.home_province_id = first.home_province_id
            s.full_name = first.full_name if rng.random() < 0.6 else _variant(rng, first.full_name)
            reception_province = pick1(rng, [first.province_id, self.pick(rng, self.reception_provinces)])
        else:
            r = rng.random()
            s.sex = "female" if r < 0.82 else ("male" if r < 0.97 else "unknown")
            r = rng.random()
            age = ri(rng, 12, 17) if r < 0.22 else (ri(rng, 18, 25) if r < 0.58 else (
                ri(rng, 26, 35) if r < 0.84 else (ri(rng, 36, 50) if r < 0.97 else ri(rng, 51, 65))))
            dob = s.received - D(days=age * 365 + ri(rng, 0, 364))
            r = rng.random()
            s.birth = ("date", dob) if r < 0.7 else (("year", dob.year) if r < 0.95 else None)
            s.ethnic = self.pick(rng, self.ethnic)
            r = rng.random()
            s.nationality = "VN" if r < 0.97 else pick1(rng, ["KH", "LA", "CN", ""])
            s.home_province_id = self.pick(rng, self.home_provinces) if rng.random() < 0.96 else None
            s.full_name = self.name(rng, s.sex != "male", s.ethnic == "08")
            reception_province = self.pick(rng, self.reception_provinces) if rng.random() < 0.6 else (
                s.home_province_id or self.pick(rng, self.reception_provinces))
        s.other_names = pick1(rng, names.OTHER_NAMES) if rng.random() < 0.05 else ""
        s.org = self.agency(rng, reception_province)
        s.province_id = s.home_province_id or s.org.province_id or reception_province
        s.approver_org = self.ref.of(s.province_id, "social_affairs_department")[0]
        s.children = ri(rng, 1, 2) if (s.sex == "female" and rng.random() < 0.04) else 0
        self._path(rng, s)
        return s

    def _path(self, rng, s: Story) -> None:
        anchor = self.anchor
        t = s.created
        path = []
        s.closure = s.identified_at = s.outcome = s.stay = None
        s.followups, s.visits, s.supports = [], [], []

        def step(status, lo, hi):
            nonlocal t
            nt = t + D(days=ri(rng, lo, hi), minutes=ri(rng, 0, 480))
            if nt.date() > anchor:
                return False
            t = nt
            path.append((status, t))
            return True

        def close(reason, lo, hi):
            if step(CLOSED, lo, hi):
                s.closure = (reason, t)

        r = rng.random()
        if s.long:
            r = 0.5
        s.next_visit_due = None
        if r < 0.08:
            if step(Status.UNDER_IDENTIFICATION, 0, 5) and step(Status.NOT_VICTIM, 5, 40):
                s.outcome, s.identified_at = "not_victim", t
                close("not_a_victim", 3, 60)
        elif r < 0.16:
            if step(Status.UNDER_IDENTIFICATION, 0, 5) and rng.random() < 0.6:
                close(pick1(rng, ["lost_contact", "moved_away", "declined_support"]), 20, 200)
        else:
            if rng.random() < 0.6 and not step(Status.UNDER_IDENTIFICATION, 0, 5):
                s.path = path
                return
            if not step(Status.IDENTIFIED, 2, 30):
                s.path = path
                return
            s.outcome, s.identified_at = "identified", t
            if rng.random() < 0.2 or s.long:
                s.stay = t.date()
            cycles = ri(rng, 8, 14) if s.long else 1
            supported = s.long or rng.random() < 0.7
            for _ in range(cycles):
                if supported:
                    if not step(Status.IN_SUPPORT, 0, 10):
                        break
                    s.supports.append(t.date())
                    if s.long:
                        s.supports.append((t + D(days=3)).date())
                elif rng.random() < 0.3:
                    s.supports.append(t.date())
                start = t
                if not step(Status.FOLLOW_UP, 20, 120):
                    break
                s.followups.append(t.date())
                supported = True
                end = t + D(days=ri(rng, 120, 700))
                v = t.date() + D(days=30)
                cap = 60 if s.long else 4
                while v <= min(anchor, end.date()) and cap:
                    s.visits.append(v)
                    v += D(days=30)
                    cap -= 1
                if s.long:
                    t = t + D(days=150)
                    if t.date() > anchor:
                        break
                del start
            if path and path[-1][0] == Status.FOLLOW_UP and not s.long and rng.random() < 0.7:
                close("reintegrated", 200, 700)
        s.path = path
        s.next_visit_due = None
        if path and path[-1][0] == Status.FOLLOW_UP and s.visits:
            s.next_visit_due = s.visits[-1] + D(days=30)


def _variant(rng: random.Random, full_name: str) -> str:
    """The same person written down by another agency: no diacritics, or the middle name dropped."""
    from accounts.text import fold

    parts = full_name.split()
    r = rng.random()
    if r < 0.4:
        return fold(full_name).title()
    if r < 0.7 and len(parts) > 2:
        return " ".join([parts[0], *parts[2:]])
    return full_name.upper()


def final_status(s: Story) -> tuple[str, datetime.datetime]:
    if s.path:
        return s.path[-1]
    return Status.RECEIVED, s.created
