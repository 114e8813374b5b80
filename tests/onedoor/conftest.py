import pytest

from tests.support.factories import lang_son, make_case


@pytest.fixture
def ls(db):
    """Lạng Sơn: a social centre, the provincial department, a caseworker, an approver, a centre director."""
    return lang_son()


@pytest.fixture
def case(ls):
    """An identified Vietnamese victim living in Lạng Sơn, case owned by the social centre."""
    return make_case(owner=ls.centre, full_name="Lò Thị Mai", sex="female", birth_year=2000)
