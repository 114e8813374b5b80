"""The support pages: request, decide, deliver, loans; forms keep what was typed; one record per submit."""

import datetime

import pytest
from django.urls import reverse

from support.models import (
    Delivery,
    Loan,
    LoanStatus,
    PdfStatus,
    RequestStatus,
    SupportDecision,
    SupportRequest,
)
from support.tasks import render_decision_pdf
from tests.support.factories import LAW53, add_child, decide_all, make_case, request_support

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def d(day: datetime.date) -> str:
    return day.strftime("%d/%m/%Y")


def start_params(case, on=datetime.date(2025, 9, 15), stay=True, person=None):
    params = {"person": (person or case.person).pk, "application_date": d(on)}
    if stay:
        params["in_facility_stay"] = "on"
    return params


def request_form_data(page, lines: dict, key="k-1", documents=(), note=""):
    """POST data for the request form as rendered on `page`: lines = {item code: {field: value}}."""
    formset = page.context["lines"]
    start = page.context["start"].cleaned_data
    data = {
        "person": start["person"], "application_date": d(start["application_date"]),
        "submission_key": key, "note": note,
        "lines-TOTAL_FORMS": len(formset.forms), "lines-INITIAL_FORMS": len(formset.forms),
        "lines-MIN_NUM_FORMS": 0, "lines-MAX_NUM_FORMS": 100,
        "documents-TOTAL_FORMS": 2, "documents-INITIAL_FORMS": 0, "documents-MIN_NUM_FORMS": 0,
        "documents-MAX_NUM_FORMS": 5,
    }
    if start["in_facility_stay"]:
        data["in_facility_stay"] = "on"
    for index, form in enumerate(formset.forms):
        item = form.entry.item
        data[f"lines-{index}-item"] = item.pk
        data[f"lines-{index}-quantity"] = 1
        if form.entry.amount is not None:
            data[f"lines-{index}-unit_amount"] = form.entry.amount
        for field, value in lines.get(item.code, {}).items():
            data[f"lines-{index}-{field}"] = value
        if item.code in lines:
            data[f"lines-{index}-selected"] = "on"
    for index, (kind, number) in enumerate(documents):
        data[f"documents-{index}-document_type"] = kind
        data[f"documents-{index}-number"] = number
    return data


def test_the_request_form_shows_the_version_items_and_why_others_are_not_available(ls, case, signed_in):
    client = signed_in(ls.caseworker)
    url = reverse("support:request_create", args=[case.pk])

    first = client.get(url)
    assert first.status_code == 200 and "lines" not in first.context

    page = client.get(url, start_params(case))
    assert page.status_code == 200
    assert page.context["version"].code == LAW53
    codes = {form.entry.item.code for form in page.context["lines"].forms}
    assert {"food_in_facility", "hardship_allowance", "winter_clothing"} <= codes
    assert "interpretation" not in codes  # the victim needs no interpreter
    assert "interpretation" in {entry.item.code for entry in page.context["ineligible"]}
    assert b'data-testid="unconfirmed"' in page.content  # default amounts are shown as to be confirmed


def test_the_request_form_shows_the_legal_basis_next_to_each_item(ls, case, signed_in):
    page = signed_in(ls.caseworker).get(reverse("support:request_create", args=[case.pk]), start_params(case))
    html = page.content.decode()
    for form in page.context["lines"].forms:
        assert f'data-testid="basis-{form.entry.item.code}"' in html, form.entry.item.code
    travel = html.split('data-testid="basis-travel_fare"')[1].split("</div>")[0]
    assert "Căn cứ pháp lý: điểm e khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15" in travel
    assert "căn cứ chờ xác nhận" not in travel  # read against the text of Art. 37
    winter = html.split('data-testid="basis-winter_clothing"')[1].split("</div>")[0]
    assert "Chính sách riêng của tỉnh" in winter and "căn cứ chờ xác nhận" in winter
    # items the person may not have show their basis too, next to the reason
    interpretation = html.split('data-testid="ineligible-interpretation"')[1].split("</li>")[0]
    assert "điểm c khoản 1 Điều 37" in interpretation


def test_a_caseworker_requests_and_a_double_submit_makes_one_request(ls, case, signed_in):
    client = signed_in(ls.caseworker)
    url = reverse("support:request_create", args=[case.pk])
    page = client.get(url, start_params(case))
    data = request_form_data(page, {"vocational_training": {"amount": 1_000_000}, "hardship_allowance": {}},
                             documents=[("poor_household_certificate", "123/GCN-UBND")])

    first = client.post(url, data)
    second = client.post(url, data)

    assert first.status_code == 302 and second.status_code == 302
    assert first.url == second.url
    request = SupportRequest.objects.get()
    assert request.status == RequestStatus.PENDING and request.deciding_agency == ls.department
    assert sorted(line.amount for line in request.lines.all()) == [1_000_000, 1_000_000]
    assert request.documents.get().number == "123/GCN-UBND"
    detail = client.get(first.url)
    assert detail.status_code == 200 and "Lò Thị Mai" in detail.content.decode()


def test_errors_are_shown_next_to_the_line_and_what_was_typed_is_kept(ls, case, signed_in):
    client = signed_in(ls.caseworker)
    url = reverse("support:request_create", args=[case.pk])
    page = client.get(url, start_params(case))
    data = request_form_data(page, {"food_in_facility": {"quantity": 200, "note": "Ở trung tâm"},
                                    "hardship_allowance": {}})  # no certificate

    response = client.post(url, data)

    assert response.status_code == 200
    assert not SupportRequest.objects.exists()
    forms = {form.entry.item.code: form for form in response.context["lines"].forms}
    food, allowance = forms["food_in_facility"], forms["hardship_allowance"]
    assert food.errors and allowance.errors
    assert any("120" in str(e) for e in food.non_field_errors())
    html = response.content.decode()
    assert 'value="200"' in html and 'value="Ở trung tâm"' in html
    assert 'name="lines-0-selected"' in html


def test_the_approver_decides_from_the_queue_and_the_pdf_is_prepared_then_downloaded(ls, case, signed_in):
    [request] = request_support(ls, case, [(LAW53, "vocational_training", 1, 1_000_000),
                                           (LAW53, "hardship_allowance", 1)],
                                stay=True, documents=["poor_household_certificate"])
    client = signed_in(ls.approver)
    queue = client.get(reverse("support:queue"))
    assert [r.pk for r in queue.context["page"]] == [request.pk]

    url = reverse("support:request_decide", args=[request.pk])
    page = client.get(url)
    assert page.status_code == 200
    food, allowance = sorted(request.lines.all(), key=lambda line: line.item.regime)
    data = {"decision_date": d(TODAY), "note": "",
            f"line-{food.pk}-decision": "approve",
            f"line-{allowance.pk}-decision": "reject", f"line-{allowance.pk}-reason": ""}
    missing_reason = client.post(url, data)
    assert missing_reason.status_code == 200
    assert not SupportDecision.objects.exists()

    data[f"line-{allowance.pk}-reason"] = "Chưa đủ căn cứ xác định hộ nghèo."
    done = client.post(url, data)
    assert done.status_code == 302
    decision = SupportDecision.objects.get()
    assert decision.pdf_status == PdfStatus.PENDING

    waiting = client.get(reverse("support:decision_pdf", args=[decision.pk]))
    assert waiting.status_code == 202
    assert b"hx-get" in waiting.content
    render_decision_pdf(decision.pk)  # the task body, as the worker runs it
    ready = client.get(reverse("support:decision_pdf", args=[decision.pk]))
    assert ready.status_code == 200 and ready["Content-Type"] == "application/pdf"
    assert b"".join(ready.streaming_content).startswith(b"%PDF")

    again = client.post(url, data)
    assert again.status_code == 302 and SupportDecision.objects.count() == 1


def test_delivery_and_payment_within_the_approval(ls, case, signed_in):
    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25)], stay=True)
    decide_all(ls.director, request)
    line = request.lines.get()
    client = signed_in(ls.caseworker)
    url = reverse("support:delivery_create", args=[request.pk])
    base = {"line": line.pk, "delivered_on": d(TODAY), "method": "cash", "submission_key": "pay-1"}

    too_much = client.post(url, {**base, "amount": 2_000_000})
    assert too_much.status_code == 200 and "amount" in too_much.context["form"].errors
    assert 'value="2000000"' in too_much.content.decode()

    ok = client.post(url, {**base, "amount": 600_000})
    twice = client.post(url, {**base, "amount": 600_000})
    assert ok.status_code == 302 and twice.status_code == 302
    assert Delivery.objects.count() == 1
    rest = client.post(url, {**base, "submission_key": "pay-2", "amount": 500_000})
    assert rest.status_code == 200
    assert "400.000" in str(rest.context["form"].errors["amount"])


def test_loans_are_recorded_and_repaid(ls, case, signed_in):
    client = signed_in(ls.caseworker)
    url = reverse("support:loan_create", args=[case.pk])
    data = {"lender": "social_policy_bank", "amount": 30_000_000, "term_months": 36, "purpose": "Chăn nuôi",
            "applied_on": d(TODAY), "submission_key": "loan-1"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    loan = Loan.objects.get()

    for status in ("approved", "disbursed"):
        response = client.post(reverse("support:loan_status", args=[loan.pk]),
                               {"status": status, "disbursed_on": d(TODAY)})
        assert response.status_code == 302
    repay = reverse("support:loan_repayment", args=[loan.pk])
    assert client.post(repay, {"paid_on": d(TODAY), "amount": 31_000_000}).status_code == 200
    assert client.post(repay, {"paid_on": d(TODAY), "amount": 30_000_000}).status_code == 302
    loan.refresh_from_db()
    assert loan.status == LoanStatus.REPAID
    assert client.get(reverse("support:loan_detail", args=[loan.pk])).status_code == 200


def test_the_case_support_page_and_the_summary_fragment(ls, signed_in):
    case = make_case(owner=ls.centre, received_on=TODAY - datetime.timedelta(days=60),
                     confirmed_on=TODAY - datetime.timedelta(days=40))
    child = add_child(case, birth_year=2019)
    on = TODAY - datetime.timedelta(days=10)
    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25)], stay=True, on=on)
    decide_all(ls.director, request)
    request_support(ls, case, [(LAW53, "school_support", 1, 800_000)], person=child, on=on)

    page = signed_in(ls.caseworker).get(reverse("support:case_support", args=[case.pk]))

    assert page.status_code == 200
    summary = page.context["support_summary"]
    victim, kid = summary.people
    assert victim.rows[0].approved == 1_000_000 and victim.rows[0].entitled == "yes"
    assert kid.rows[4].requested == 800_000 and kid.rows[4].approved == 0
    assert victim.rows[5].entitled == "yes"  # the loan support (Art. 37(1)(k)) needs no certificate
    assert kid.rows[5].entitled == "no"
    assert 'data-testid="support-summary"' in page.content.decode()


def test_lists_and_policy_pages(ls, case, signed_in):
    request_support(ls, case, [(LAW53, "food_in_facility", 25)], stay=True)
    client = signed_in(ls.caseworker)
    listing = client.get(reverse("support:request_list"), {"status": "pending"})
    assert listing.status_code == 200 and len(listing.context["page"].object_list) == 1
    assert client.get(reverse("support:request_list"), {"status": "approved"}).context["page"].paginator.count == 0
    policy = client.get(reverse("support:policy"))
    assert policy.status_code == 200
    assert "ND-09-2013" in policy.content.decode() and "LAW-53-2024" in policy.content.decode()
    assert "điểm k khoản 1 Điều 37 Luật Phòng, chống mua bán người số 53/2024/QH15" in policy.content.decode()


def test_a_request_that_cannot_be_routed_says_why_on_top(ls, signed_in):
    far = make_case(owner=ls.centre, home="ca mau")
    client = signed_in(ls.caseworker)
    url = reverse("support:request_create", args=[far.pk])
    page = client.get(url, start_params(far, stay=False))
    response = client.post(url, request_form_data(page, {"vocational_training": {"amount": 3_000_000}}))
    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert response.context["submit"].non_field_errors()
    assert "Cà Mau" in response.content.decode()


def test_a_decision_is_superseded_from_its_page(ls, case, signed_in):
    [old] = request_support(ls, case, [(LAW53, "clothing_set", 2)])
    decide_all(ls.director, old)
    client = signed_in(ls.caseworker)
    detail = client.get(reverse("support:request_detail", args=[old.pk]))
    assert detail.context["can_supersede"]
    url = reverse("support:request_create", args=[case.pk])
    page = client.get(url, {**start_params(case, stay=False), "supersedes": old.pk})
    assert page.context["superseded"] == old
    data = request_form_data(page, {"clothing_set": {"quantity": 1}}, key="k-sup")
    data["supersedes"] = old.pk
    assert client.post(url, data).status_code == 302
    new = SupportRequest.objects.exclude(pk=old.pk).get()
    assert new.supersedes == old
    decide_all(ls.director, new)
    old.refresh_from_db()
    assert old.status == RequestStatus.SUPERSEDED
    assert not client.get(reverse("support:request_detail", args=[new.pk])).context["superseded_by"]
