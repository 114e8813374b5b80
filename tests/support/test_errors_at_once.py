"""A form shows all its errors at once (issue #10 point 5): the decision form."""

import datetime

import pytest
from django.urls import reverse

from support.models import SupportDecision
from tests.support.factories import LAW53, request_support

pytestmark = pytest.mark.django_db


def test_a_future_decision_date_is_flagged_together_with_the_missing_reasons(ls, case, signed_in):
    # Regimes 1-4 are given by the receiving body (Law 53/2024): the centre's director decides.
    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25), (LAW53, "clothing_set", 1)],
                                stay=True)
    client = signed_in(ls.director)
    url = reverse("support:request_decide", args=[request.pk])
    lines = {line.item.code: line for line in request.lines.all()}
    food, allowance = lines["food_in_facility"], lines["clothing_set"]
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)

    response = client.post(url, {
        "decision_date": tomorrow.strftime("%d/%m/%Y"), "note": "Ghi chú",
        f"line-{food.pk}-decision": "approve",
        f"line-{allowance.pk}-decision": "reject", f"line-{allowance.pk}-reason": "",
    })

    assert response.status_code == 200 and not SupportDecision.objects.exists()
    assert "decision_date" in response.context["form"].errors  # the date, on the first submit
    body = response.content.decode()
    assert "Ngày này không được ở tương lai." in body
    assert body.count('class="invalid-feedback') >= 2  # and the missing reason next to its line
    assert 'data-error-summary' in body and 'href="#id_decision_date"' in body  # one summary, linked
    assert tomorrow.strftime("%d/%m/%Y") in body and "Ghi chú" in body  # what was typed is kept


def test_number_and_length_limits_read_as_plain_vietnamese(ls, case, signed_in):
    from tests.support.factories import decide_all

    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25)], stay=True)
    decide_all(ls.director, request)
    client = signed_in(ls.caseworker)
    response = client.post(reverse("support:delivery_create", args=[request.pk]), {
        "line": request.lines.get().pk, "delivered_on": datetime.date.today().strftime("%d/%m/%Y"),
        "method": "cash", "submission_key": "pay-1", "amount": -5, "note": "x" * 501,
    })

    body = response.content.decode()
    assert "Giá trị phải lớn hơn hoặc bằng 0." in body
    assert "Tối đa 500 ký tự (bạn đã nhập 501)." in body
    errors = [str(e) for field in ("amount", "note") for e in response.context["form"].errors[field]]
    assert errors and all(" ." not in error and "Đảm bảo" not in error and "kí tự" not in error for error in errors)


def test_an_item_over_its_limit_is_flagged_together_with_the_other_errors(ls, case, signed_in):
    """The request's own checks (here: more than the per-person maximum) run on the first submit,
    even while another field of the form is wrong, and nothing is saved."""
    from support.models import SupportRequest
    from tests.support.test_views import request_form_data, start_params

    client = signed_in(ls.caseworker)
    url = reverse("support:request_create", args=[case.pk])
    page = client.get(url, start_params(case))
    capped = next(form.entry.item for form in page.context["lines"].forms
                  if form.entry.item.max_quantity_per_person and form.entry.item.default_amount)
    data = request_form_data(page, {capped.code: {"quantity": capped.max_quantity_per_person + 1}},
                             note="x" * 2001)
    response = client.post(url, data)

    assert response.status_code == 200 and not SupportRequest.objects.exists()
    assert response.context["submit"].errors["note"]  # the form's own error
    [line] = [form for form in response.context["lines"].forms if form.cleaned_data.get("selected")]
    assert any(f"(tối đa {capped.max_quantity_per_person}" in str(error) or "tối đa" in str(error)
               for error in line.non_field_errors() + line.errors.get("quantity", [])), line.errors
