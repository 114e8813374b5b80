"""Every figure of every table, at national, province and agency level, on the known population
(tests/reporting/population.py says who was received where, and why each number is what it is)."""

import dataclasses
import datetime

import pytest

from accounts.actor import act_as
from reporting.scope import Filters, statistics_geography
from reporting.statistics import dashboard

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = Filters(start=D(2025, 1, 1), end=D(2025, 12, 31), on_date=D(2025, 12, 31))
SEX0 = {"female": [0], "male": [0], "unknown": [0]}
PURPOSES0 = {k: [0, 0] for k in ("sexual_exploitation", "forced_labour", "forced_marriage", "child_sale_adoption",
                                 "organ_removal", "commercial_surrogacy", "other")}
CHANNELS0 = {k: [0, 0, 0, 0] for k in ("handed_back_at_border", "rescued", "received_abroad", "self_reported",
                                       "hotline", "found_in_facility", "other")}
CLOSURES0 = {k: [0] for k in ("reintegrated", "not_a_victim", "declined_support", "moved_away", "lost_contact",
                              "deceased", "duplicate", "other")}
BANDS0 = {str(i): [0] for i in range(7)}
KINDS0 = {"communication": [0] * 7, "training": [0] * 7, "materials": [0] * 7}
# Contacts: [contacts, of which a case was opened]
CONTACT_CHANNELS0 = {k: [0, 0] for k in ("hotline_111", "hotline_other", "walk_in", "message", "email", "other")}
CONTACT_KINDS0 = {k: [0, 0] for k in ("information", "counselling", "suspected_case", "rescue_support", "referral")}


def figures(world, persona, filters=YEAR):
    membership = world.memberships[persona]
    actor = act_as(membership.user, membership)
    board = dashboard(actor, statistics_geography(actor), filters)
    result = {}
    for table in board.tables:
        rows = {row.key: [row.values[c.key] for c in table.columns] for row in table.rows}
        if table.total:
            rows["total"] = [table.total.values[c.key] for c in table.columns]
        result[table.key] = rows
    return board, result


def support_tables():
    return {
        "regimes": {"1": [2, 450_000, 2, 450_000], "2": [1, 1_000_000, 1, 1_000_000], "3": [1, 500_000, 0, 0],
                    "4": [1, 0, 0, 0], "5": [1, 3_000_000, 1, 3_000_000], "6": [1, 1_000_000, 0, 0],
                    "total": [2, 5_950_000, 2, 4_450_000]},
        "items": {"clothing_set": [2, 450_000, 2, 450_000], "medical_care": [1, 1_000_000, 1, 1_000_000],
                  "psychological_support": [1, 500_000, 0, 0], "legal_aid": [1, 0, 0, 0],
                  "vocational_training": [1, 3_000_000, 1, 3_000_000], "hardship_allowance": [1, 1_000_000, 0, 0]},
        "loans": {"applied": [1], "disbursed": [1], "persons": [1], "amount": [20_000_000]},
        "followup": {"visits": [2], "persons": [1]},
    }


def test_national_figures(world):
    board, f = figures(world, "ministry_analyst")
    assert not board.case_level
    ls, hn = str(world.ls.pk), str(world.hn.pk)
    tay, kinh = str(world.hoa.ethnicity_id), str(world.lan.ethnicity_id)
    expected = {
        "summary": {"persons": [4], "female": [3], "minors": [2], "receptions": [6], "multi_province": [1],
                    "multi_agency": [1]},
        "trend": {f"2025-{m:02d}": [0, 0] for m in range(1, 13)} | {
            "2025-03": [1, 2], "2025-04": [1, 1], "2025-05": [1, 1], "2025-06": [1, 1], "2025-07": [1, 1]},
        "sex": {"female": [3], "male": [1], "unknown": [0], "total": [4]},
        # hoa 14 (12–15), mai 17 (16–17), somsak 24 (18–24), lan 34 (25–34)
        "age": BANDS0 | {"2": [1], "3": [1], "4": [1], "5": [1], "total": [4]},
        "ethnicity": {tay: [1], kinh: [1], "": [2], "total": [4]},
        "nationality": {"VN": [3], "LA": [1], "total": [4]},
        "identification": {"1": [1], "2": [1], "3": [1], "4": [1], "total": [4]},
        "destination": {"CN": [2, 2, 2, 1], "": [3, 4, 2, 2], "total": [4, 6, 3, 2]},
        "purpose": PURPOSES0 | {"forced_marriage": [1, 1], "sexual_exploitation": [1, 1], "forced_labour": [2, 2],
                                "total": [3, 3]},
        "agency_type": {"border_guard": [1, 1, 1, 1], "police": [1, 1, 1, 0], "social_centre": [2, 3, 1, 1],
                        "commune_committee": [1, 1, 1, 1], "total": [4, 6, 3, 2]},
        "channel": CHANNELS0 | {"handed_back_at_border": [1, 1, 1, 1], "found_in_facility": [1, 1, 1, 1],
                                "other": [1, 1, 1, 1], "rescued": [1, 1, 1, 0], "self_reported": [1, 1, 0, 0],
                                "hotline": [1, 1, 1, 1], "total": [4, 6, 3, 2]},
        # Persons per province add up to 5, not 4: Hoa was received in both (the reconciliation line).
        "province": {ls: [3, 4, 3, 2], hn: [2, 2, 1, 1], "total": [4, 6, 3, 2]},
        **support_tables(),
        "stays": {"admissions": [2], "persons": [2], "ended": [1], "average": [31], "longest": [31],
                  "occupancy": [1]},
        "reintegration": CLOSURES0 | {"not_a_victim": [1], "total": [1]},
        "activities": KINDS0 | {"communication": [1, 120, 0, 0, 0, 300, 0], "training": [1, 30, 30, 0, 0, 0, 30],
                                "materials": [1, 0, 0, 2, 50, 0, 0], "total": [3, 150, 30, 2, 50, 300, 30]},
        "activities_province": {ls: [2, 150, 30, 0, 0, 300, 30], hn: [1, 0, 0, 2, 50, 0, 0]},
        # c1–c4 (c5 is 2024); c3 was recorded in LS about HN and counts in HN.
        "contacts_channel": CONTACT_CHANNELS0 | {"hotline_111": [2, 1], "message": [1, 0], "hotline_other": [1, 0],
                                                 "total": [4, 1]},
        "contacts_kind": CONTACT_KINDS0 | {"suspected_case": [1, 1], "information": [1, 0], "counselling": [1, 0],
                                           "rescue_support": [1, 0], "total": [4, 1]},
        "contacts_province": {ls: [2, 1], hn: [2, 0], "total": [4, 1]},
    }
    assert f == expected
    assert "1" in board.table("province").note  # "received in more than one province: 1"


def test_province_figures(world):
    board, f = figures(world, "department_statistician")
    tay, kinh = str(world.hoa.ethnicity_id), str(world.lan.ethnicity_id)
    agencies = {str(a.pk): [1, 1, 1, minor] for a, minor in ((world.bp, 1), (world.tt, 1), (world.ca, 0), (world.xa, 1))}
    expected = {
        "summary": {"persons": [3], "female": [3], "minors": [2], "receptions": [4], "multi_province": [0],
                    "multi_agency": [1]},
        "trend": {f"2025-{m:02d}": [0, 0] for m in range(1, 13)} | {
            "2025-03": [1, 2], "2025-05": [1, 1], "2025-07": [1, 1]},
        "sex": {"female": [3], "male": [0], "unknown": [0], "total": [3]},
        "age": BANDS0 | {"2": [1], "3": [1], "5": [1], "total": [3]},
        "ethnicity": {tay: [1], kinh: [1], "": [1], "total": [3]},
        "nationality": {"VN": [3], "total": [3]},
        "identification": {"1": [1], "2": [0], "3": [1], "4": [1], "total": [3]},
        "destination": {"CN": [2, 2, 2, 1], "": [2, 2, 2, 2], "total": [3, 4, 3, 2]},
        "purpose": PURPOSES0 | {"forced_marriage": [1, 1], "sexual_exploitation": [1, 1], "forced_labour": [1, 1],
                                "total": [2, 2]},
        "agency_type": {"border_guard": [1, 1, 1, 1], "police": [1, 1, 1, 0], "social_centre": [1, 1, 1, 1],
                        "commune_committee": [1, 1, 1, 1], "total": [3, 4, 3, 2]},
        "channel": CHANNELS0 | {"handed_back_at_border": [1, 1, 1, 1], "found_in_facility": [1, 1, 1, 1],
                                "rescued": [1, 1, 1, 0], "hotline": [1, 1, 1, 1], "total": [3, 4, 3, 2]},
        "agency": agencies | {"total": [3, 4, 3, 2]},
        "commune": {str(world.commune.pk): [1, 1, 1, 1], "": [2, 3, 2, 1], "total": [3, 4, 3, 2]},
        **support_tables(),
        "stays": {"admissions": [2], "persons": [2], "ended": [1], "average": [31], "longest": [31],
                  "occupancy": [1]},
        "reintegration": CLOSURES0 | {"total": [0]},
        "activities": KINDS0 | {"communication": [1, 120, 0, 0, 0, 300, 0], "training": [1, 30, 30, 0, 0, 0, 30],
                                "total": [2, 150, 30, 0, 0, 300, 30]},
        # c1 and c2 (no province: the agency's); c3 is about HN.
        "contacts_channel": CONTACT_CHANNELS0 | {"hotline_111": [2, 1], "total": [2, 1]},
        "contacts_kind": CONTACT_KINDS0 | {"suspected_case": [1, 1], "information": [1, 0], "total": [2, 1]},
    }
    assert f == expected


def test_agency_figures(world):
    board, f = figures(world, "centre_manager")
    assert board.case_level  # the centre sees each of its cases: figures unsuppressed, linked
    expected_receptions = [1, 1, 1, 1]
    assert f["summary"] == {"persons": [1], "female": [1], "minors": [1], "receptions": [1], "multi_province": [0],
                            "multi_agency": [0]}
    assert f["agency_type"] == {"social_centre": expected_receptions, "total": expected_receptions}
    assert f["channel"]["found_in_facility"] == expected_receptions
    assert f["age"]["2"] == [1] and f["identification"]["1"] == [1]
    for key, table in support_tables().items():
        assert f[key] == table
    assert f["stays"] == {"admissions": [1], "persons": [1], "ended": [1], "average": [31], "longest": [31],
                          "occupancy": [0]}
    assert f["activities"]["total"] == [2, 150, 30, 0, 0, 300, 30]
    # The centre's own contacts, wherever they are about: c1, c2 and c3.
    assert f["contacts_channel"] == CONTACT_CHANNELS0 | {"hotline_111": [2, 1], "message": [1, 0], "total": [3, 1]}
    assert f["contacts_kind"] == CONTACT_KINDS0 | {"suspected_case": [1, 1], "information": [1, 0],
                                                   "counselling": [1, 0], "total": [3, 1]}
    assert "province" not in f and "agency" not in f and "contacts_province" not in f


def test_hanoi_department_contacts(world):
    _, f = figures(world, "hn_statistician")
    # c3 (recorded in LS, about HN) and c4.
    assert f["contacts_channel"] == CONTACT_CHANNELS0 | {"message": [1, 0], "hotline_other": [1, 0], "total": [2, 0]}
    assert f["contacts_kind"] == CONTACT_KINDS0 | {"counselling": [1, 0], "rescue_support": [1, 0], "total": [2, 0]}


def test_national_filtered_to_a_province_equals_the_province_level(world):
    _, national = figures(world, "ministry_analyst", dataclasses.replace(YEAR, province_id=world.ls.pk))
    _, province = figures(world, "department_statistician")
    for key in ("summary", "sex", "age", "destination", "purpose", "agency_type", "channel", "regimes", "stays",
                "activities", "agency", "commune", "contacts_channel", "contacts_kind"):
        assert national[key] == province[key], key


def test_agency_type_filter_and_another_period(world):
    _, border = figures(world, "ministry_analyst", dataclasses.replace(YEAR, agency_type="border_guard"))
    assert border["summary"]["persons"] == [1] and border["summary"]["receptions"] == [1]
    assert border["contacts_channel"]["total"] == [0, 0]
    _, before = figures(world, "ministry_analyst", Filters(start=D(2024, 1, 1), end=D(2024, 12, 31),
                                                           on_date=D(2024, 11, 15)))
    assert before["summary"]["persons"] == [1] and before["sex"]["male"] == [1]
    assert before["stays"]["admissions"] == [1] and before["stays"]["occupancy"] == [1]
    assert before["regimes"]["total"] == [0, 0, 0, 0]
    assert before["contacts_channel"] == CONTACT_CHANNELS0 | {"walk_in": [1, 0], "total": [1, 0]}


def test_the_ministry_sees_small_figures_suppressed(world):
    board, _ = figures(world, "ministry_analyst")
    summary = {row.key: row.cells[0] for row in board.table("summary").rows}
    assert summary["persons"][1] == "<5" and summary["persons"][2]
    sex = board.table("sex")
    assert [row.cells[0][1] for row in sex.rows] == ["<5", "<5", "0"]
