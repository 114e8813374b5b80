from accounts.roles import Action


def test_personas_act_in_their_own_agency_and_province(personas):
    assert personas["centre_caseworker"].can(Action.CASE_CREATE)
    assert personas["department_approver"].can(Action.SUPPORT_DECIDE)
    assert not personas["ministry_analyst"].can(Action.CASE_VIEW_IDENTITY)
    assert personas["centre_caseworker"].agency.jurisdiction.name == "Tỉnh Lạng Sơn"
    assert personas["other_caseworker"].agency.jurisdiction.name == "Thành phố Hà Nội"
    assert personas["no_agency"].agency is None


def test_client_for_signs_in_with_two_factor(client_for):
    assert client_for("centre_caseworker").get("/").status_code == 200
