"""Every bench case runs on a small dataset, and each list reference returns the page's own rows."""

import pytest

from bench.cases import CASES, reference_list
from bench.context import Bench
from bench.synthetic.generator import Generator

pytestmark = pytest.mark.django_db


def test_every_case_runs_and_the_list_references_show_the_same_rows():
    Generator(persons=1500, seed=5, long_every=100, log=lambda *_: None).run()
    bench = Bench()
    assert bench.approver.province_id and bench.caseworker.agency_ids
    for bench_case in CASES:
        if bench_case.name.startswith("API "):
            continue  # gunicorn cannot see this test's transaction: tests/bench/test_api_load.py
        pair = bench_case.build(bench)
        assert pair is not None, bench_case.name
        result = pair.app()
        reference = pair.reference()
        if bench_case.name.startswith("case list"):
            persona = bench.approver if "approver" in bench_case.name else bench.caseworker
            page = result.context["page"]
            search = "Nguyễn Thị Hương" if "search" in bench_case.name else ""
            assert reference == reference_list(persona, page=page.number, search=search)
            assert [row[0] for row in reference] == [case.pk for case in result.context["cases"]]
            assert (reference[0][-1] if reference else 0) == page.paginator.count
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) == 15
