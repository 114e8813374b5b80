"""Mask only what is personal: a reader without identity access sees statuses, dates of workflow
steps and the rights of a share, but not names or reasons."""

import pytest

from accounts.roles import Action, Role
from tests.victims.factories import agency, consented, member
from victims.services import case_grant_access, case_transition
from victims.views.timeline import case_timeline
from victims.workflow import Status

pytestmark = pytest.mark.django_db


def test_the_statistician_reads_statuses_and_rights_but_not_reasons(ls, case):
    statistician = member(ls.department, Role.STATISTICIAN)
    case_transition(user=ls.caseworker, case=case, to_status=Status.IN_SUPPORT, reason="Bà Lò Thị Mai cần chỗ ở")
    consented(case)
    case_grant_access(user=ls.caseworker, case=case, grantee_agency=agency("police", "lang son", code="CA-LS-M"),
                      actions=[Action.CASE_VIEW], reason="Điều tra vụ án của Lò Thị Mai")
    entries = case_timeline(statistician, case)
    text = " ".join([entry.title for entry in entries] + [entry.reason for entry in entries]
                    + [" ".join(map(str, change)) for entry in entries for change in entry.changes])
    [status] = [entry for entry in entries if entry.kind == "status" and str(Status.IN_SUPPORT.label) in entry.title]
    assert "***" not in status.title and "Mai" not in status.reason  # the reason may name her: hidden
    grant = next(entry for entry in entries if entry.kind == "grant")
    assert "***" not in grant.title and "#" not in grant.title  # the agency's name, not a hidden id
    rights = grant.details[0][1]
    assert rights == str(Action.CASE_VIEW.label)  # the rights granted are not personal
    assert "Lò Thị Mai" not in text and "Mai" not in text.replace("L. T. M.", "")
