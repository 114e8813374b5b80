"""A form shows all its errors at once (issue #10 point 5): the decision form."""

import datetime

import pytest
from django.urls import reverse

from support.models import SupportDecision
from tests.support.factories import LAW53, request_support

pytestmark = pytest.mark.django_db


def test_a_future_decision_date_is_flagged_together_with_the_missing_reasons(ls, case, signed_in):
    [request] = request_support(ls, case, [(LAW53, "food_in_facility", 25), (LAW53, "hardship_allowance", 1)],
                                stay=True, documents=["poor_household_certificate"])
    client = signed_in(ls.approver)
    url = reverse("support:request_decide", args=[request.pk])
    food, allowance = sorted(request.lines.all(), key=lambda line: line.item.regime)
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
    decide_all(ls.approver, request)
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
