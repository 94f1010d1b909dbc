"""The cache kept between runs (memo.py): a value is computed once, read back by later runs,
computed again when its entry is damaged or reportgen changes, and never in the way."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from reportgen import memo


def test_a_value_is_computed_once_and_read_back_by_a_later_run(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    calls = []

    def compute():
        calls.append(1)
        return {"advance": 0.5, "name": "Carlito"}

    assert memo.cached("sample", "key", compute) == {"advance": 0.5, "name": "Carlito"}
    assert memo.cached("sample", "key", compute) == {"advance": 0.5, "name": "Carlito"}
    assert calls == [1]
    later = subprocess.run([sys.executable, "-c", "from reportgen import memo; print(memo.load('sample', 'key'))"],
                           capture_output=True, text=True, check=True, env={**_env(), "REPORTGEN_CACHE": str(tmp_path)})
    assert later.stdout.strip() == "{'advance': 0.5, 'name': 'Carlito'}"
    assert memo.load("sample", "another key") is None


def test_a_damaged_entry_or_changed_code_computes_again(tmp_path, monkeypatch):
    monkeypatch.setenv("REPORTGEN_CACHE", str(tmp_path))
    memo.store("sample", "key", [1, 2, 3])
    [entry] = [path for path in tmp_path.rglob("*") if path.is_file()]
    entry.write_bytes(b"\x00not marshal data")
    assert memo.cached("sample", "key", lambda: [4]) == [4]
    monkeypatch.setattr(memo, "fingerprint", lambda: "another version of reportgen")
    assert memo.cached("sample", "key", lambda: [5]) == [5]


def test_a_folder_that_cannot_be_written_is_not_used(tmp_path, monkeypatch):
    blocker = tmp_path / "a file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("REPORTGEN_CACHE", str(blocker))
    calls = []
    assert memo.cached("sample", "key", lambda: calls.append(1) or "value") == "value"
    assert memo.cached("sample", "key", lambda: calls.append(1) or "value") == "value"
    assert calls == [1, 1]


def test_a_second_check_compiles_no_template_and_formats_no_citation(tmp_path, project_copy):
    """What an earlier run compiled and formatted is read back: the second `reportgen check` of
    a project compiles no template (prose or file) and asks citeproc for nothing."""
    project = project_copy("citations")
    probe = textwrap.dedent("""
        import sys, jinja2, citeproc
        from reportgen.cli import main
        counts = {"compiled": 0, "cited": 0}
        compile_ = jinja2.Environment.compile
        def counting_compile(self, *args, **kwargs):
            counts["compiled"] += 1
            return compile_(self, *args, **kwargs)
        cite = citeproc.CitationStylesBibliography.cite
        def counting_cite(self, *args, **kwargs):
            counts["cited"] += 1
            return cite(self, *args, **kwargs)
        jinja2.Environment.compile = counting_compile
        citeproc.CitationStylesBibliography.cite = counting_cite
        try:
            main(["check", sys.argv[1]])
        except SystemExit:
            pass
        print(counts["compiled"], counts["cited"])
    """)
    env = {**_env(), "REPORTGEN_CACHE": str(tmp_path / "cache")}
    runs = [subprocess.run([sys.executable, "-c", probe, str(project)], capture_output=True, text=True, check=True, env=env).stdout.split()
            for _ in range(2)]
    first, second = ([int(count) for count in run[-2:]] for run in runs)
    assert first[0] > 10 and first[1] > 0
    assert second == [0, 0]


def _env() -> dict[str, str]:
    import os

    return dict(os.environ)
