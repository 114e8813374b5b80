"""Who may see a case (DESIGN.md "Access control"), rule by rule, and the leak test pattern:
first prove the out-of-scope rows exist, then that they are not returned."""

import datetime
import re

import pytest
from django.utils import timezone

from accounts.roles import Role
from victims.models import Case, CaseChild, Consent, Person, StatusTransition
from victims.selectors import can_see_identity, case_display_name, case_list, mask_name

from .factories import (
    CaseAccessGrantFactory,
    CaseChildFactory,
    CaseFactory,
    PersonFactory,
    agency,
    days_ago,
    member,
)

pytestmark = pytest.mark.django_db

VIEW, IDENTITY, EDIT = "case.view", "case.view_identity", "case.edit"


def visible(user, action=VIEW):
    return set(Case.objects.visible_to(user, action))


def test_the_owning_agency_sees_its_cases_and_no_one_elses(world):
    own = CaseFactory(receiving_agency=world.centre_ls)
    other = CaseFactory(receiving_agency=world.centre_hn)

    assert Case.objects.filter(pk=other.pk).exists()  # the out-of-scope row exists
    assert visible(world.caseworker_ls) == {own}
    assert visible(world.caseworker_ls, IDENTITY) == {own}
    assert visible(world.caseworker_ls, EDIT) == {own}


def test_an_agency_grant_opens_the_case_for_the_granted_actions_only(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    assert case not in visible(world.caseworker_hn)

    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn, actions=[VIEW])

    assert visible(world.caseworker_hn) == {case}
    assert visible(world.caseworker_hn, IDENTITY) == set()
    assert visible(world.caseworker_hn, EDIT) == set()


def test_a_user_grant_opens_the_case_for_that_user_not_their_colleagues(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    colleague = member(world.centre_hn)
    CaseAccessGrantFactory(case=case, grantee_agency=None, grantee_user=world.caseworker_hn,
                           actions=[VIEW, IDENTITY])

    assert visible(world.caseworker_hn) == {case}
    assert visible(world.caseworker_hn, IDENTITY) == {case}
    assert visible(colleague) == set()


def test_a_user_grant_does_not_give_what_the_users_role_forbids(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=None, grantee_user=world.analyst, actions=[VIEW, IDENTITY])

    assert visible(world.analyst) == set()
    assert visible(world.analyst, IDENTITY) == set()


def test_an_expired_grant_opens_nothing(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn,
                           expires_at=timezone.now() - datetime.timedelta(minutes=1))
    CaseAccessGrantFactory(case=case, grantee_agency=None, grantee_user=world.police_officer_hn,
                           expires_at=timezone.now() - datetime.timedelta(minutes=1))

    assert visible(world.caseworker_hn) == set()
    assert visible(world.police_officer_hn) == set()


def test_a_grant_that_has_not_expired_yet_opens_the_case(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn,
                           expires_at=timezone.now() + datetime.timedelta(days=1))
    assert visible(world.caseworker_hn) == {case}


def test_a_revoked_grant_opens_nothing(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn, revoked_at=timezone.now(),
                           revoked_by=world.caseworker_ls)
    assert visible(world.caseworker_hn) == set()


def test_the_department_of_the_victims_home_province_sees_the_case(world):
    person = PersonFactory(home_province=world.nghe_an)
    case = CaseFactory(person=person, receiving_agency=world.border_ls)  # received in Lạng Sơn

    assert case.province == world.nghe_an
    assert visible(world.approver_na) == {case}
    assert visible(world.approver_na, IDENTITY) == {case}


def test_the_department_of_the_receiving_agencys_province_sees_the_case(world):
    person = PersonFactory(home_province=world.nghe_an)
    case = CaseFactory(person=person, receiving_agency=world.border_ls)

    assert visible(world.approver_ls) == {case}


def test_the_department_of_a_commune_level_owners_province_sees_the_case(world):
    commune = world.lang_son.children.filter(level="commune").first()
    commune_committee = agency("commune_committee", None, jurisdiction=commune)
    case = CaseFactory(person=PersonFactory(home_province=world.nghe_an), receiving_agency=commune_committee)

    assert visible(world.approver_ls) == {case}


def test_another_provinces_department_does_not_see_the_case(world):
    case = CaseFactory(person=PersonFactory(home_province=world.nghe_an), receiving_agency=world.border_ls)

    assert Case.objects.filter(pk=case.pk).exists()
    assert visible(world.approver_hn) == set()
    assert visible(world.caseworker_hn) == set()
    assert visible(world.police_officer_hn) == set()


def test_the_ministry_analyst_has_no_case_view_at_all(world):
    CaseFactory(receiving_agency=world.centre_ls)
    CaseFactory(receiving_agency=world.ministry)

    assert Case.objects.count() == 2
    assert visible(world.analyst) == set()
    assert visible(world.analyst, IDENTITY) == set()


def test_a_statistician_sees_the_provinces_cases_but_never_names(world):
    case = CaseFactory(person=PersonFactory(full_name="Nguyễn Thị Hoa"), receiving_agency=world.centre_ls)

    assert visible(world.statistician_ls) == {case}
    assert visible(world.statistician_ls, IDENTITY) == set()
    assert not can_see_identity(world.statistician_ls, case)
    assert case_display_name(world.statistician_ls, case) == "N. T. H."
    assert case_display_name(world.caseworker_ls, case) == "Nguyễn Thị Hoa"


def test_roles_are_checked_per_agency_not_per_user(world):
    """A caseworker in one agency and statistician in another gets no names from the second."""
    user = member(world.centre_hn, Role.CASEWORKER)
    from tests.factories import MembershipFactory

    MembershipFactory(user=user, agency=world.department_ls, role=Role.STATISTICIAN)
    own = CaseFactory(receiving_agency=world.centre_hn)
    lang_son_case = CaseFactory(receiving_agency=world.centre_ls)

    assert visible(user) == {own, lang_son_case}
    assert visible(user, IDENTITY) == {own}
    assert visible(user, EDIT) == {own}


def test_inactive_memberships_inactive_agencies_and_inactive_users_see_nothing(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    assert visible(world.caseworker_ls) == {case}

    world.caseworker_ls.memberships.update(is_active=False)
    assert visible(world.caseworker_ls) == set()

    world.approver_ls.is_active = False
    world.approver_ls.save()
    assert visible(world.approver_ls) == set()

    world.centre_hn.is_active = False
    world.centre_hn.save()
    CaseAccessGrantFactory(case=case, grantee_agency=world.centre_hn)
    assert visible(world.caseworker_hn) == set()


def test_anonymous_and_missing_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    CaseFactory(receiving_agency=world.centre_ls)
    assert set(Case.objects.visible_to(AnonymousUser(), VIEW)) == set()
    assert set(Case.objects.visible_to(None, VIEW)) == set()
    assert set(Case.objects.visible_to(world.caseworker_ls, "no.such.action")) == set()


def test_persons_are_visible_through_their_cases_as_victim_or_child(world):
    own = CaseFactory(receiving_agency=world.centre_ls)
    own_child = CaseChildFactory(case=own)
    other = CaseFactory(receiving_agency=world.centre_hn)
    other_child = CaseChildFactory(case=other)

    assert Person.objects.filter(pk__in=[other.person_id, other_child.person_id]).count() == 2
    assert set(Person.objects.visible_to(world.caseworker_ls, VIEW)) == {own.person, own_child.person}


def test_models_hanging_off_a_case_follow_the_cases_scope(world):
    own = CaseFactory(receiving_agency=world.centre_ls)
    other = CaseFactory(receiving_agency=world.centre_hn)
    for case in (own, other):
        CaseChildFactory(case=case)
        StatusTransition.objects.create(case=case, from_status="received", to_status="under_identification",
                                        by=case.created_by)
        Consent.objects.create(case=case, person=case.person, share_with=["police"],
                               recorded_on=case.received_on, recorded_by=case.created_by)

    for model in (CaseChild, StatusTransition, Consent):
        assert model.objects.filter(case=other).exists()
        assert {row.case for row in model.objects.visible_to(world.caseworker_ls, VIEW)} == {own}


def test_the_case_list_searches_names_without_diacritics_only_where_names_are_visible(world):
    hoa = CaseFactory(person=PersonFactory(full_name="Nguyễn Thị Hoa"), receiving_agency=world.centre_ls)
    CaseFactory(person=PersonFactory(full_name="Lò Thị Mai"), receiving_agency=world.centre_ls)

    assert list(case_list(user=world.caseworker_ls, q="nguyen thi hoa")) == [hoa]
    assert list(case_list(user=world.caseworker_ls, q="NGUYỄN")) == [hoa]
    assert list(case_list(user=world.statistician_ls, q="nguyen")) == []  # no probing names
    assert list(case_list(user=world.statistician_ls, q=hoa.case_number)) == [hoa]
    # A part of a case number is searched from 3 characters (a trigram): 2 are in nearly every number.
    assert hoa in case_list(user=world.statistician_ls, q=hoa.case_number[:3])
    assert list(case_list(user=world.statistician_ls, q=hoa.case_number[:2])) == []


def test_the_name_search_matches_the_start_of_any_word_of_the_name_and_aliases(world):
    huong = CaseFactory(person=PersonFactory(full_name="Nguyễn Thị Hương"), receiving_agency=world.centre_ls)
    # Six words with the alias: the words past the fourth are served by the longer names' index.
    long = CaseFactory(person=PersonFactory(full_name="Hồ Thị A Dính", other_names="Mẩy Chư"),
                       receiving_agency=world.centre_ls)

    def found(q):
        return set(case_list(user=world.caseworker_ls, q=q))

    assert found("huong") == found("thi huong") == found("Nguyễn Thị Hương") == {huong}
    assert found("nguyen thi h") == {huong}  # a name being typed
    assert found("a dinh") == found("dinh may") == found("chu") == found("may c") == {long}
    assert found("thi") == {huong, long}
    assert found("uong") == found("guyen") == found("inh") == set()  # inside a word: no match
    assert found("huong nguyen") == set()  # the words in their order


def test_each_part_of_the_name_search_is_served_by_its_index(world):
    from django.db import connection

    from victims.models import Person
    from victims.models.person import NAME_WORDS_INDEXED, name_search_q

    sql, params = Person.objects.filter(name_search_q("nguyen thi huong")).values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # small test tables would rather be read whole
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    indexes = [f"person_name_w{n}" for n in range(1, NAME_WORDS_INDEXED + 1)] + ["person_name_longer_trgm"]
    assert all(f"Bitmap Index Scan on {name}" in plan for name in indexes), plan


def test_the_search_finds_the_named_persons_cases_by_the_person_index_not_the_scope(world):
    """The persons named are looked up once, then their cases by `case_person_scope`: a plan that reads
    the whole scope's cases and joins them to the names was chosen on a fresh million-person copy
    when the planner overestimated the names (5x slower)."""
    from django.db import connection

    from victims.selectors import _cases_matching

    sql, params = _cases_matching(world.approver_ls, "nguyen thi huong").values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    # The scan of case_person_scope is driven by the array of named persons: an InitPlan, printed
    # `$n` by PostgreSQL 15 and `(InitPlan n).col1` by 17 (the embedded server).
    initplan = r"(\$\d+|\(InitPlan \d+\)\.col1)"
    assert re.search(rf"case_person_scope .*\n\s+Index Cond: \(person_id = ANY \({initplan}\)\)", plan), plan


def test_the_case_list_marks_which_rows_may_show_names(world):
    case = CaseFactory(receiving_agency=world.centre_ls)
    [row] = case_list(user=world.statistician_ls)
    assert row == case and row.identity_visible is False
    [row] = case_list(user=world.caseworker_ls)
    assert row.identity_visible is True


def test_mask_name_shows_initials_only_and_hides_word_lengths():
    assert mask_name("Nguyễn Thị Hoa") == "N. T. H."
    assert mask_name("  Lò  Thị Mai ") == "L. T. M."
    assert mask_name("") == ""


def test_scoping_is_one_query_whatever_the_number_of_cases_and_grants(world, django_assert_num_queries):
    def evaluate():
        with django_assert_num_queries(1):
            return list(Case.objects.visible_to(world.caseworker_hn, VIEW))

    CaseFactory(receiving_agency=world.centre_hn)
    assert len(evaluate()) == 1

    for _ in range(15):
        CaseFactory(receiving_agency=world.centre_hn)
        CaseAccessGrantFactory(case=CaseFactory(receiving_agency=world.centre_ls), grantee_agency=world.centre_hn)
        CaseAccessGrantFactory(case=CaseFactory(receiving_agency=world.centre_ls), grantee_agency=None,
                               grantee_user=world.caseworker_hn)
    assert len(evaluate()) == 46


def test_the_identity_flagged_list_is_one_query_too(world, django_assert_num_queries):
    for _ in range(5):
        CaseFactory(receiving_agency=world.centre_ls)
    with django_assert_num_queries(1):
        rows = list(case_list(user=world.statistician_ls))
        assert [row.person.full_name for row in rows]  # select_related: no query per row
    assert len(rows) == 5


def test_the_case_list_finds_a_case_by_an_accompanying_childs_name_once(world):
    case = CaseFactory(person=PersonFactory(full_name="Lò Thị Mai"), receiving_agency=world.centre_ls)
    CaseChildFactory(case=case, person=PersonFactory(full_name="Lò Văn Tú"))
    CaseChildFactory(case=case, person=PersonFactory(full_name="Lò Thị Tú"))

    assert list(case_list(user=world.caseworker_ls, q="tu")) == [case]
    assert list(case_list(user=world.caseworker_ls, q="lo")) == [case]


def test_the_case_list_filters_by_status_province_agency_and_dates(world):
    from victims.workflow import Status

    old = CaseFactory(receiving_agency=world.border_ls, received_on=days_ago(400))
    new = CaseFactory(receiving_agency=world.centre_ls, status=Status.IDENTIFIED)
    user = world.approver_ls

    assert set(case_list(user=user)) == {old, new}
    assert list(case_list(user=user, status=Status.IDENTIFIED)) == [new]
    assert list(case_list(user=user, receiving_agency=world.border_ls)) == [old]
    assert list(case_list(user=user, received_to=days_ago(100))) == [old]
    assert list(case_list(user=user, received_from=days_ago(100))) == [new]
    assert set(case_list(user=user, province=world.lang_son)) == {old, new}
    assert list(case_list(user=user, ordering="received_on")) == [old, new]
    assert list(case_list(user=user, ordering="; DROP TABLE")) == [new, old]  # unknown: default order


class TestRowsOfOneCase:
    """`of_case`: the rows of a case skip the second scope check only for the very case object
    `case_get` read for this user and action; any other case object is scoped as usual."""

    def test_a_case_read_in_scope_gives_its_rows(self, world):
        from victims.selectors import case_get

        case = CaseFactory(receiving_agency=world.centre_ls)
        CaseChildFactory(case=case)
        read = case_get(user=world.caseworker_ls, pk=case.pk)

        assert CaseChild.objects.of_case(world.caseworker_ls, read).count() == 1

    def test_a_case_object_from_elsewhere_is_scoped(self, world):
        case = CaseFactory(receiving_agency=world.centre_ls)
        CaseChildFactory(case=case)
        assert CaseChild.objects.filter(case=case).exists()  # the row exists

        assert CaseChild.objects.of_case(world.caseworker_hn, case).count() == 0
        assert CaseChild.objects.of_case(world.caseworker_ls, case).count() == 1

    def test_a_case_read_for_someone_else_or_another_action_is_scoped(self, world):
        from victims.selectors import case_get

        case = CaseFactory(receiving_agency=world.centre_ls)
        CaseChildFactory(case=case)
        read = case_get(user=world.caseworker_ls, pk=case.pk)

        assert CaseChild.objects.of_case(world.caseworker_hn, read).count() == 0
        assert CaseChild.objects.of_case(world.analyst, read, IDENTITY).count() == 0
