"""A bound actor (every request) reads its granted case ids once, and still sees every grant change.

`act_as` binds a user to its acting membership for one request; `victims.scoping` then resolves the
grants once for the binding (`_granted_ids`) instead of a subquery in every scoped statement. These
tests hold the two forms to the same answers and show that a grant written, revoked or withdrawn in
the request reaches the next statement of that same request.
"""

import datetime

import pytest
from django.utils import timezone

from accounts.actor import act_as
from victims import scoping, services
from victims.models import CaseAccessGrant, Consent

from .factories import CaseAccessGrantFactory, CaseFactory, member

pytestmark = pytest.mark.django_db

VIEW, IDENTITY, EDIT = "case.view", "case.view_identity", "case.edit"


def bound(user):
    act_as(user, user.memberships.get())
    return user


def visible(user, action=VIEW) -> set:
    from victims.models import Case

    return set(Case.objects.visible_to(user, action).values_list("pk", flat=True))


def scoped_sql(user, action=VIEW) -> str:
    from victims.models import Case

    return str(Case.objects.visible_to(user, action).query).lower()


def grants_world(world):
    own = CaseFactory(receiving_agency=world.centre_hn)
    to_agency = CaseFactory(receiving_agency=world.centre_ls)
    to_user = CaseFactory(receiving_agency=world.centre_ls)
    expired = CaseFactory(receiving_agency=world.centre_ls)
    revoked = CaseFactory(receiving_agency=world.centre_ls)
    elsewhere = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=to_agency, grantee_agency=world.centre_hn, actions=[VIEW])
    CaseAccessGrantFactory(case=to_user, grantee_agency=None, grantee_user=world.caseworker_hn,
                           actions=[VIEW, IDENTITY])
    CaseAccessGrantFactory(case=expired, grantee_agency=world.centre_hn,
                           expires_at=timezone.now() - datetime.timedelta(minutes=1))
    CaseAccessGrantFactory(case=revoked, grantee_agency=world.centre_hn, revoked_at=timezone.now())
    CaseAccessGrantFactory(case=elsewhere, grantee_agency=world.police_hn)
    return own, to_agency, to_user


@pytest.mark.parametrize("action", [VIEW, IDENTITY, EDIT])
def test_bound_and_unbound_actors_see_the_same_cases(world, action):
    grants_world(world)
    unbound = visible(world.caseworker_hn, action)
    assert visible(bound(world.caseworker_hn), action) == unbound


def test_the_bound_scope_reads_the_grants_once_per_request(world, django_assert_num_queries):
    own, to_agency, to_user = grants_world(world)
    user = bound(world.caseworker_hn)
    assert visible(user) == {own.pk, to_agency.pk, to_user.pk}
    with django_assert_num_queries(1):  # the list alone: membership and grants are already read
        assert visible(user, IDENTITY) == {own.pk, to_user.pk}
    assert "accessgrant" not in scoped_sql(user)  # an array of ids, not a subquery


def test_a_grant_written_in_the_request_is_seen_by_its_next_statement(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    user = bound(world.caseworker_hn)
    assert case.pk not in visible(user)
    grant = CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn, actions=[VIEW])
    assert case.pk in visible(user)
    grant.delete()
    assert case.pk not in visible(user)


def test_a_grant_revoked_in_the_request_closes_the_case_for_its_next_statement(world):
    from victims.referrals import _revoke

    case = CaseFactory(receiving_agency=world.centre_ls)
    grant = CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn, actions=[VIEW])
    user = bound(world.caseworker_hn)
    assert case.pk in visible(user)
    _revoke(grant, world.caseworker_ls)  # an UPDATE: no signal, the service says so
    assert CaseAccessGrant.objects.get(pk=grant.pk).revoked_at is not None
    assert case.pk not in visible(user)


def test_a_consent_withdrawn_in_the_request_closes_what_it_shared(world):
    from victims.services import consent_withdraw

    case = CaseFactory(receiving_agency=world.centre_ls)
    consent = Consent.objects.create(case=case, person=case.person, recorded_on=case.received_on,
                                     share_with=["social_centre"], recorded_by=world.caseworker_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn, actions=[VIEW], consent=consent)
    user = bound(world.caseworker_hn)
    assert case.pk in visible(user)
    consent_withdraw(user=bound(world.caseworker_ls), consent=consent)
    assert case.pk not in visible(user)


def test_past_the_cap_the_grants_stay_a_subquery_with_the_same_answer(world, monkeypatch):
    own, to_agency, to_user = grants_world(world)
    for _ in range(3):
        CaseAccessGrantFactory(case=CaseFactory(receiving_agency=world.centre_ls), grantee_agency=world.centre_hn,
                               actions=[VIEW])
    unbound = visible(world.caseworker_hn)
    monkeypatch.setattr(scoping, "GRANTED_IDS_CAP", 2)
    user = bound(world.caseworker_hn)
    assert visible(user) == unbound
    assert "accessgrant" in scoped_sql(user)


def test_an_unbound_colleague_is_not_given_the_bound_users_grants(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=None, grantee_user=world.caseworker_hn, actions=[VIEW])
    colleague = bound(member(world.centre_hn))
    bound(world.caseworker_hn)
    assert case.pk not in visible(colleague)


def test_an_agency_without_grants_pages_its_own_cases_in_order_from_its_index(world):
    """The scope leaves out the paths that open nothing: an agency's own cases alone are one equality,
    which case_owner_received gives in the list's order, so a deep page does not walk every case of
    the country by date (300 ms at 1M for a border post's page 100)."""
    from django.db import connection

    from victims.selectors import case_list

    for _ in range(3):
        CaseFactory(receiving_agency=world.centre_ls)
    user = bound(world.caseworker_ls)
    sql, params = case_list(user=user)[50:75].query.sql_with_params()
    assert "any(" not in sql.lower().split(" where ")[1].split(" order by ")[0]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")  # small tables would rather sort than walk
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "Index Scan Backward using case_owner_received on victims_case" in plan, plan

    granted = CaseFactory(receiving_agency=world.centre_hn)
    CaseAccessGrantFactory(case=granted, grantee_agency=world.centre_ls, actions=[VIEW])
    assert granted in case_list(user=user)  # the grant's path opens again, in the same request
    assert case_list(user=user).count() == 4


def test_the_scope_tested_on_a_row_answers_as_the_scoped_query_for_every_role_and_action(world):
    """`case_scope_test` (the case page's flags from the row it read) and `visible_to` are two forms
    of the same paths: for each user of the world, bound as in a request, and each action, the cases
    the test lets through are exactly the cases the query returns."""
    from accounts.models import User
    from accounts.roles import Action
    from victims.models import Case

    grants_world(world)
    CaseFactory(receiving_agency=world.border_ls)
    CaseFactory(receiving_agency=world.police_hn)
    Case.objects.filter(pk=CaseFactory(receiving_agency=world.centre_ls).pk).update(province=None)
    cases = list(Case.objects.all())
    users = [value for value in vars(world).values() if isinstance(value, User)]
    assert len(users) == 12
    for user in users:
        bound(user)
        for action in Action.values:
            test = scoping.case_scope_test(user, action)
            assert {case.pk for case in cases if test(case)} == visible(user, action), (user, action)


def test_the_scope_cannot_be_tested_on_a_row_when_a_path_is_a_subquery(world, monkeypatch):
    """Unbound (a shell, a task) or past the grants cap, only the database answers."""
    own, to_agency, _to_user = grants_world(world)
    assert scoping.case_scope_test(world.caseworker_hn, VIEW) is None  # unbound
    CaseAccessGrantFactory(case=CaseFactory(receiving_agency=world.centre_ls), grantee_agency=world.centre_hn,
                           actions=[VIEW])
    monkeypatch.setattr(scoping, "GRANTED_IDS_CAP", 1)
    assert scoping.case_scope_test(bound(world.caseworker_hn), VIEW) is None


def test_the_case_page_permissions_are_the_same_from_the_row_and_from_the_query(world):
    """A request (bound) decides the page's buttons from the case row and the acting membership; a
    shell or a task (unbound) asks the database: both give every user the same permissions, the
    police unit a verification was requested from included."""
    from django.http import Http404

    from accounts.models import User
    from victims.selectors import case_get, case_permissions

    own, to_agency, to_user = grants_world(world)
    requested = CaseFactory(receiving_agency=world.centre_ls)
    services.verification_request(user=world.caseworker_ls, case=requested, police_agency=world.police_hn)
    police_owned = CaseFactory(receiving_agency=world.police_ls)
    at_the_border = CaseFactory(receiving_agency=world.border_ls)  # its manager reads who opened it
    users = [value for value in vars(world).values() if isinstance(value, User)]
    seen = set()
    for case in (own, to_agency, to_user, requested, police_owned, at_the_border):
        for user in users:
            user = User.objects.get(pk=user.pk)  # unbound
            try:
                by_query = case_permissions(user, case_get(user=user, pk=case.pk))
            except Http404:
                continue
            by_row = case_permissions(bound(user), case_get(user=user, pk=case.pk))
            assert by_row == by_query, (user, case)
            seen.add(by_row)
    assert any(perms.record_outcome for perms in seen) and any(perms.view_access_log for perms in seen)
    assert any(perms.edit for perms in seen) and any(not perms.edit for perms in seen)
