"""Every bench case runs on a small dataset, and each list reference returns the page's own rows."""

import pytest

from bench.cases import CASES, app_figures, reference_list, statistics_figures
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
        if bench_case.name.startswith("national annual statistics"):
            # The reference computes every figure the dashboard shows, no more, no fewer.
            figures = app_figures(result)
            assert figures == statistics_figures(reference)
            assert figures["summary"]["persons"][0] > 100 and figures["items"] and figures["contacts_kind"]
        if bench_case.name.startswith("annual report PDF"):
            from tests.support.pdftext import pdf_text

            assert result.startswith(b"%PDF") and "BÁO CÁO" in pdf_text(result)
    names = [c.name for c in CASES]
    assert len(names) == len(set(names)) == 16


def test_a_run_keeps_the_notes_under_the_tables(tmp_path, monkeypatch):
    """make bench rewrites results.md: the previous table moves down, the hand-written notes stay."""
    from bench import run

    results = tmp_path / "results.md"
    results.write_text("# Benchmark results\n\n## Latest run\n\n| old table |\n\n## Notes\n\n### Why\n\nEXPLAIN …\n")
    monkeypatch.setattr(run, "RESULTS", results)
    bench = type("FakeBench", (), {"dataset_summary": lambda self: "tiny", "describe": lambda self: "nobody"})()
    run.write_results(bench, [], run.previous_table(), run.notes())
    text = results.read_text()
    assert text.index("## Latest run") < text.index("## Previous run\n\n| old table |") < text.index("## Notes")
    assert text.endswith("## Notes\n\n### Why\n\nEXPLAIN …\n") and text.count("## Notes") == 1
