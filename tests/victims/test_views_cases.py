"""The case list, the overdue visits and the case page: search, filters, masking, access log, timeline."""

import datetime

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY

from accounts.roles import Role
from tests.factories import totp_device
from victims import services
from victims.models import AccessLog, IdentificationResult, ReceptionChannel
from victims.readmodel import mask_name
from victims.workflow import Status

from .factories import (
    CaseChildFactory,
    CaseFactory,
    PersonFactory,
    ReintegrationPlanFactory,
    days_ago,
    member,
)

pytestmark = pytest.mark.django_db

LIST = reverse("victims:case_list")


def client_as(user) -> Client:
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(user).persistent_id
    session.save()
    return client


def listed(response) -> list[str]:
    return [case.case_number for case in response.context["cases"]]


def detail(case) -> str:
    return reverse("victims:case_detail", args=[case.pk])


def register(world, name="Nguyễn Thị Hoa", **kwargs):
    kwargs.setdefault("received_on", days_ago(20))
    return services.case_register_reception(
        user=world.caseworker_ls, agency=world.centre_ls, reception_channel=ReceptionChannel.RESCUED,
        full_name=name, **kwargs,
    )


# The list ---------------------------------------------------------------------------------------

def test_search_by_name_ignores_diacritics_and_finds_case_numbers(world):
    hoa = register(world, "Nguyễn Thị Hoa")
    dao = register(world, "Đỗ Thị Đào")
    register(world, "Lò Thị Mai")
    client = client_as(world.caseworker_ls)

    assert listed(client.get(LIST, follow=True, data={"q": "nguyen"})) == [hoa.case_number]
    assert listed(client.get(LIST, follow=True, data={"q": "NGUYỄN thi"})) == [hoa.case_number]
    assert listed(client.get(LIST, follow=True, data={"q": "do thi dao"})) == [dao.case_number]
    assert set(listed(client.get(LIST, follow=True, data={"q": "d"}))) >= {dao.case_number}
    assert listed(client.get(LIST, follow=True, data={"q": hoa.case_number.lower()})) == [hoa.case_number]


def test_filters_by_status_province_agency_and_dates_kept_under_a_key(world):
    old = register(world, "Lò Thị Mai", received_on=days_ago(100))
    new = register(world, "Sùng Thị Xá", received_on=days_ago(3))
    services.verification_request(user=world.caseworker_ls, case=new, police_agency=world.police_ls)
    elsewhere = CaseFactory(receiving_agency=world.border_ls)
    client = client_as(world.approver_ls)  # the department sees the whole province

    assert listed(client.get(LIST, follow=True, data={"status": Status.UNDER_IDENTIFICATION})) == [new.case_number]
    assert listed(client.get(LIST, follow=True, data={"receiving_agency": world.border_ls.pk})) == [elsewhere.case_number]
    assert set(listed(client.get(LIST, follow=True, data={"province": world.lang_son.pk}))) == {
        old.case_number, new.case_number, elsewhere.case_number}
    assert listed(client.get(LIST, follow=True, data={"province": world.ha_noi.pk})) == []
    since = days_ago(50).strftime("%d/%m/%Y")
    response = client.get(LIST, follow=True, data={"received_from": since, "q": "sung thi xa", "sort": "number"})
    assert listed(response) == [new.case_number]
    html = response.content.decode()
    # The header links keep the filters' key (never the filters) and drop the page number.
    key = response.redirect_chain[-1][0].split("f=")[1].split("&")[0]
    assert f"f={key}&amp;sort=-number" in html and "received_from=" not in html and "sung" not in html.split("<tbody>")[0].split("</form>")[-1]
    assert listed(client.get(LIST, follow=True, data={"received_to": days_ago(50).strftime("%d/%m/%Y")})) == [old.case_number]


def test_bad_filter_values_are_shown_and_ignored(world):
    case = register(world)
    client = client_as(world.caseworker_ls)
    response = client.get(LIST, follow=True, data={"received_from": "31/02/2026", "status": "nonsense", "province": "abc",
                                 "sort": "drop table", "page": "9999"})
    assert response.status_code == 200
    assert listed(response) == [case.case_number]
    assert response.context["form"].errors.keys() >= {"received_from", "status", "province"}
    response = client.get(LIST, follow=True, data={"received_from": days_ago(1).strftime("%d/%m/%Y"),
                                 "received_to": days_ago(30).strftime("%d/%m/%Y")})
    assert "received_to" in response.context["form"].errors


def test_sorting_by_columns(world):
    first = register(world, "Bùi Thị An", received_on=days_ago(10))
    second = register(world, "Âu Thị Bình", received_on=days_ago(5))
    client = client_as(world.caseworker_ls)
    assert listed(client.get(LIST)) == [second.case_number, first.case_number]  # newest reception first
    assert listed(client.get(LIST, follow=True, data={"sort": "received"})) == [first.case_number, second.case_number]
    assert listed(client.get(LIST, follow=True, data={"sort": "name"})) == [second.case_number, first.case_number]
    assert listed(client.get(LIST, follow=True, data={"sort": "-number"})) == [second.case_number, first.case_number]


def test_the_list_is_paginated(world):
    for n in range(27):
        CaseFactory(receiving_agency=world.centre_ls, received_on=days_ago(n + 1))
    client = client_as(world.caseworker_ls)
    first, second = client.get(LIST), client.get(LIST, follow=True, data={"page": 2})
    assert len(listed(first)) == 25 and len(listed(second)) == 2
    assert not set(listed(first)) & set(listed(second))


def test_names_are_masked_for_roles_without_identity_access(world):
    case = register(world, "Triệu Thị Lụa")
    CaseChildFactory(case=case, person=PersonFactory(full_name="Triệu Văn Bình", birth_year=2022))
    response = client_as(world.statistician_ls).get(LIST)
    html = response.content.decode()
    assert listed(response) == [case.case_number]
    assert mask_name("Triệu Thị Lụa") == "T. T. L."
    assert "T. T. L." in html and "Triệu" not in html and "Lụa" not in html
    # A name search must not reveal who is in the files (case numbers still work).
    assert listed(client_as(world.statistician_ls).get(LIST, follow=True, data={"q": "lua"})) == []
    assert listed(client_as(world.statistician_ls).get(LIST, follow=True, data={"q": "binh"})) == []
    assert listed(client_as(world.statistician_ls).get(LIST, follow=True, data={"q": case.case_number})) == [case.case_number]
    # Sorting by a hidden name is not offered.
    assert "name" not in response.context["sort_links"]


def test_every_listed_row_is_written_to_the_access_log_without_personal_data(world):
    cases = [register(world, f"Nguyễn Thị Hoa {n}") for n in range(3)]
    client = client_as(world.caseworker_ls)
    response = client.get(LIST, HTTP_X_REQUEST_ID="req-list-000001")
    rows = AccessLog.objects.filter(action="case.list")
    assert sorted(rows.values_list("object_id", flat=True)) == sorted(str(c.pk) for c in cases)
    assert set(rows.values_list("user_id", "agency_id", "request_id")) == {
        (world.caseworker_ls.pk, world.centre_ls.pk, "req-list-000001")}
    assert response["X-Request-ID"] == "req-list-000001"
    values = " ".join(str(v) for row in AccessLog.objects.values_list() for v in row)
    assert "Nguy" not in values and "Hoa" not in values
    client.get(LIST, follow=True, data={"q": "no such name"})
    assert AccessLog.objects.count() == 3  # an empty result logs nothing


def test_roles_without_case_access_get_403_and_no_menu_entry(world, outsider):
    assert client_as(world.analyst).get(LIST).status_code == 403
    assert client_as(outsider).get(LIST).status_code == 403
    home = client_as(world.caseworker_ls).get("/").content.decode()
    assert LIST in home


def test_overdue_follow_up_visits_are_listed_longest_overdue_first(world):
    late = ReintegrationPlanFactory(case__receiving_agency=world.centre_ls).case
    later = ReintegrationPlanFactory(case__receiving_agency=world.centre_ls).case
    on_time = ReintegrationPlanFactory(case__receiving_agency=world.centre_ls).case
    type(late).objects.filter(pk=late.pk).update(next_visit_due=days_ago(40))
    type(later).objects.filter(pk=later.pk).update(next_visit_due=days_ago(3))
    type(on_time).objects.filter(pk=on_time.pk).update(next_visit_due=days_ago(-5))
    CaseFactory(receiving_agency=world.centre_hn, status=Status.FOLLOW_UP, next_visit_due=days_ago(90))

    client = client_as(world.caseworker_ls)
    response = client.get(reverse("victims:followups_overdue"))
    assert listed(response) == [late.case_number, later.case_number]
    assert [c.days_overdue for c in response.context["cases"]] == [40, 3]
    assert AccessLog.objects.filter(action="case.list_overdue").count() == 2
    # The list page shows how many are overdue on its tab.
    assert client.get(LIST).context["overdue_count"] == 2


# The case page ----------------------------------------------------------------------------------

def test_the_case_page_shows_the_file_and_logs_the_view(world):
    case = register(world, "Nguyễn Thị Hoa", date_of_birth=datetime.date(2001, 5, 4))
    services.case_update_declaration(user=world.caseworker_ls, case=case, means_of_control="Giữ hộ chiếu",
                                     purposes=["forced_labour"])
    services.case_add_child(user=world.caseworker_ls, case=case, full_name="Nguyễn Văn Bình",
                            relationship="child", birth_year=2022)
    client = client_as(world.caseworker_ls)
    response = client.get(detail(case), HTTP_X_REQUEST_ID="req-view-000001")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Nguyễn Thị Hoa", "04/05/2001", "Giữ hộ chiếu", "Nguyễn Văn Bình", case.case_number):
        assert text in html
    log = AccessLog.objects.get(action="case.view")
    assert (log.object_id, log.user_id, log.request_id) == (str(case.pk), world.caseworker_ls.pk, "req-view-000001")


def test_the_statistician_sees_the_case_without_identity_or_sensitive_details(world):
    commune = world.lang_son.children.order_by("pk").first()
    case = register(world, "Triệu Thị Lụa", date_of_birth=datetime.date(2001, 5, 4))
    services.person_update_declaration(user=world.caseworker_ls, person=case.person, home_province=world.lang_son,
                                       home_commune=commune, id_paper_type="cccd", id_paper_number="001301000123")
    services.case_update_declaration(user=world.caseworker_ls, case=case, means_of_control="Giữ hộ chiếu")
    services.case_add_child(user=world.caseworker_ls, case=case, full_name="Triệu Văn Bình",
                            relationship="child", birth_year=2022)
    response = client_as(world.statistician_ls).get(detail(case))
    html = response.content.decode()
    assert response.status_code == 200
    for secret in ("Triệu", "Lụa", "Bình", "04/05/2001", "001301000123", "Giữ hộ chiếu", commune.name):
        assert secret not in html, secret
    assert "T. T. L." in html and case.case_number in html
    # The timeline shows what happened, masked: the commune of the address is hidden too (it
    # appears in the history as home_commune_id, see victims.history).
    entries = response.context["timeline"]
    assert any("T. T. L." in entry.title for entry in entries)
    changes = [change for entry in entries for change in entry.changes]
    assert changes and all(commune.name not in str(change) for change in changes)
    # The caseworker sees the same entries with the real values.
    entries = client_as(world.caseworker_ls).get(detail(case)).context["timeline"]
    assert any(commune.name in str(change) for entry in entries for change in entry.changes)


def test_other_provinces_and_other_roles_get_404_or_403(world):
    case = register(world)
    assert client_as(world.caseworker_hn).get(detail(case)).status_code == 404
    assert client_as(world.approver_hn).get(detail(case)).status_code == 404
    assert client_as(world.analyst).get(detail(case)).status_code == 403
    assert client_as(world.caseworker_ls).get(reverse("victims:case_detail", args=[999999])).status_code == 404
    assert not AccessLog.objects.filter(action="case.view").exists()


def test_the_timeline_shows_everything_with_who_when_and_why(world):
    case = register(world)
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls,
                                  note="Khẩn")
    services.identification_record_outcome(
        user=world.police_officer_ls, case=case, outcome=IdentificationResult.IDENTIFIED,
        document_type="police_confirmation", document_number="123/XN-CA", document_date=days_ago(1),
        issuing_body="Công an tỉnh Lạng Sơn",
    )
    services.case_transition(user=world.caseworker_ls, case=case, to_status=Status.IN_SUPPORT,
                             reason="Cần hỗ trợ y tế")
    response = client_as(world.caseworker_ls).get(detail(case))
    entries = response.context["timeline"]
    titles = [entry.title for entry in entries]
    html = response.content.decode()
    assert "Cần hỗ trợ y tế" in html
    statuses = [entry for entry in entries if entry.kind == "status"]
    assert len(statuses) == 3  # received → under identification → identified → in support
    newest = statuses[0]
    assert newest.actor == world.caseworker_ls and newest.reason == "Cần hỗ trợ y tế"
    assert any(entry.kind == "outcome" for entry in entries)
    assert any(entry.kind == "verification" for entry in entries)
    assert any(entry.kind == "reception" for entry in entries)
    assert titles  # newest first
    assert entries[0].at >= entries[-1].at


def test_the_case_page_shows_the_newest_entries_and_the_history_page_all_of_them(world, monkeypatch):
    from victims.views import cases

    monkeypatch.setattr(cases, "TIMELINE_ON_PAGE", 3)
    monkeypatch.setattr(cases, "HISTORY_PAGE_SIZE", 4)
    case = register(world, name="Hoàng Thị Ngân")
    services.verification_request(user=world.caseworker_ls, case=case, police_agency=world.police_ls, note="Khẩn")
    services.case_add_child(user=world.caseworker_ls, case=case, full_name="Hoàng Văn Tùng", relationship="child",
                            birth_year=2021)
    page = client_as(world.caseworker_ls).get(detail(case))
    shown = page.context["timeline"]
    history_url = reverse("victims:case_history", args=[case.pk])
    assert len(shown) == 3 and shown[0].at >= shown[-1].at and history_url in page.content.decode()
    assert page.context["status_changes"]  # every status change stays on the case page

    reader = client_as(world.caseworker_ls)
    first, second = reader.get(history_url), reader.get(history_url, {"page": 2})
    everything = [*first.context["timeline"], *second.context["timeline"]]
    total = first.context["page"].paginator.count
    assert len(first.context["timeline"]) == 4 and total > 4 and len(everything) == min(total, 8)
    assert everything[:3] == shown  # newest first, the case page's entries at the top
    assert "Hoàng Văn Tùng" in first.content.decode() + second.content.decode()
    assert AccessLog.objects.filter(action="case.view_history", object_id=str(case.pk),
                                    user=world.caseworker_ls).count() == 2

    masked = client_as(world.statistician_ls)
    html = masked.get(history_url).content.decode() + masked.get(history_url, {"page": 2}).content.decode()
    assert "Hoàng" not in html and "H. V. T." in html + masked.get(history_url, {"page": 3}).content.decode()
    assert client_as(world.caseworker_hn).get(history_url).status_code == 404


def test_who_opened_the_file_is_shown_to_the_owning_agencys_managers_only(world):
    case = register(world)
    manager = member(world.centre_ls, Role.AGENCY_MANAGER)
    client_as(world.caseworker_ls).get(detail(case))
    response = client_as(manager).get(detail(case))
    assert response.context["perms"].view_access_log
    assert [row.user_id for row in response.context["access_log"]][-1] == world.caseworker_ls.pk
    assert 'data-testid="section-access-log"' in response.content.decode()
    full = client_as(manager).get(reverse("victims:case_access_log", args=[case.pk]))
    rows = list(full.context["page"].object_list)
    assert full.status_code == 200 and [row.action for row in rows] == [
        "case.view_access_log", "case.view", "case.view"]

    for user in (world.caseworker_ls, world.approver_ls):
        response = client_as(user).get(detail(case))
        assert "access_log" not in response.context
        assert 'data-testid="section-access-log"' not in response.content.decode()
    # The department's manager may view the case but is not the owner's manager.
    department_manager = member(world.department_ls, Role.AGENCY_MANAGER)
    assert client_as(department_manager).get(reverse("victims:case_access_log", args=[case.pk])).status_code == 403


def test_records_of_other_apps_on_the_timeline_show_values_only_with_identity_access(world):
    """A stay or a support request references the case: named for everyone, values for some."""
    from types import SimpleNamespace

    from victims.views.timeline import _entry, _lookups

    case = CaseFactory(receiving_agency=world.centre_ls)
    event = SimpleNamespace(
        pgh_obj_model="accounts.Agency", pgh_label="update", pgh_obj_id=str(world.centre_ls.pk),
        pgh_data={"id": world.centre_ls.pk, "name": "Mới"}, pgh_diff={"name": ["Cũ", "Mới"]},
        pgh_created_at=case.created_at, actor=world.caseworker_ls, agency_id=None,
    )
    lookups = _lookups([event])
    case.identity_visible = False
    hidden = _entry(event, case, lookups)
    case.identity_visible = True
    shown = _entry(event, case, lookups)
    assert hidden.kind == shown.kind == "other" and hidden.title == shown.title
    assert hidden.changes == [] and shown.changes == [("Tên", "Cũ", "Mới")]
