"""The memo from parts: each part rendered once, kept by what it holds, the memo unchanged."""
from __future__ import annotations

import shutil

import nbformat
import pytest

from evaluation.memo import export
from evaluation.memo.outline import MEMO_TITLE
from evaluation.run import documents
from evaluation.run.documents import MemoParts
from evaluation.run.linking import add_source_links
from evaluation.run.plan import Job, describe_job

from ..memo.test_export import _part

LINKS = [("Oversigt: kørte notesbøger, tabeller, profiler og manifest", "index.html")]


@pytest.fixture
def renders(monkeypatch):
    """Count the parts actually rendered."""
    calls = []
    render = export.render_part

    def counting(nb, **kw):
        calls.append(nb.cells[0].id.split("-")[0])
        return render(nb, **kw)

    monkeypatch.setattr(export, "render_part", counting)
    return calls


def _work(folder, sections=(1, 2, 3)) -> tuple[list[Job], object]:
    (folder / "notebooks").mkdir(parents=True)
    jobs = []
    for n in sections:
        name = f"0{n}_del"
        nbformat.write(_part(n), folder / "notebooks" / f"{name}.ipynb")
        jobs.append(Job(name, f"0{n}_del.ipynb", {}, ()))
    return jobs, folder


def _whole(jobs, work, tmp_path, labels=None) -> bytes:
    """The memo as it was made before parts: every notebook merged and rendered at once."""
    merged = export.merge_notebooks([work / "notebooks" / f"{j.name}.ipynb" for j in jobs], title=MEMO_TITLE)
    merged = add_source_links(merged, [(f"notebooks/{j.name}.ipynb", describe_job(j, labels or {})) for j in jobs])
    return export.export_html(merged, tmp_path / "whole.html", title=MEMO_TITLE, links=LINKS).read_bytes()


def test_the_memo_from_parts_is_the_memo_rendered_whole(tmp_path, renders):
    jobs, work = _work(tmp_path / "work")
    profile = Job("profil-a", "08_profil.ipynb", {"municipality": "Kommune A"}, (), document="profile:Kommune A")
    parts = MemoParts([*jobs, profile], work, {}, cache=tmp_path / "cache")
    parts.prepare(jobs[1])  # as notebooks finish, in any order
    parts.write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    assert (work / "memo.html").read_bytes() == _whole(jobs, work, tmp_path)
    assert sorted(renders) == ["p01", "p02", "p03"]  # each part once, numbered as in the whole memo
    assert len(list((tmp_path / "cache").glob("*.html"))) == 3


def test_a_changed_notebook_renders_its_part_alone(tmp_path, renders):
    jobs, work = _work(tmp_path / "first")
    MemoParts(jobs, work, {}, cache=tmp_path / "cache").write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    renders.clear()
    second = tmp_path / "second"
    shutil.copytree(work / "notebooks", second / "notebooks")
    nb = nbformat.read(second / "notebooks" / "02_del.ipynb", 4)
    nb.cells[2].source += "\n\nEt nyt udsagn."
    nbformat.write(nb, second / "notebooks" / "02_del.ipynb")
    MemoParts(jobs, second, {}, cache=tmp_path / "cache").write(second / "memo.html", title=MEMO_TITLE, links=LINKS)
    assert renders == ["p02"]
    assert (second / "memo.html").read_bytes() == _whole(jobs, second, tmp_path)
    assert b"Et nyt udsagn." in (second / "memo.html").read_bytes()


def test_a_part_is_never_taken_for_another(tmp_path, renders):
    """The same notebook at another place in the memo, or with another link
    text, is another part."""
    jobs, work = _work(tmp_path / "work")
    cache = tmp_path / "cache"
    MemoParts(jobs, work, {}, cache=cache).write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    renders.clear()
    MemoParts(jobs[::-1], work, {}, cache=cache).write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    assert sorted(renders) == ["p01", "p03"]  # the middle part kept its place
    renders.clear()
    item = [Job(j.name, j.notebook, {"item": "beredskab"}, ()) for j in jobs]
    MemoParts(item, work, {"beredskab": "Beredskab"}, cache=cache).write(work / "memo.html", title=MEMO_TITLE,
                                                                        links=LINKS)
    assert sorted(renders) == ["p01", "p02", "p03"]
    assert (work / "memo.html").read_bytes() == _whole(item, work, tmp_path, {"beredskab": "Beredskab"})


def test_without_a_cache_or_with_a_broken_one_the_memo_is_the_same(tmp_path, renders):
    jobs, work = _work(tmp_path / "work")
    MemoParts(jobs, work, {}).write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    assert (work / "memo.html").read_bytes() == _whole(jobs, work, tmp_path)
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the folder should be", encoding="utf-8")
    MemoParts(jobs, work, {}, cache=blocked).write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    assert (work / "memo.html").read_bytes() == _whole(jobs, work, tmp_path)


def test_the_cache_keeps_the_most_recently_used_parts(tmp_path, monkeypatch):
    monkeypatch.setattr(documents.MemoParts, "KEPT", 4)
    cache = tmp_path / "cache"
    cache.mkdir()
    for i in range(6):
        (cache / f"{i:064x}.html").write_text("old", encoding="utf-8")
    jobs, work = _work(tmp_path / "work")
    MemoParts(jobs, work, {}, cache=cache).write(work / "memo.html", title=MEMO_TITLE, links=LINKS)
    kept = sorted(p.read_text(encoding="utf-8") == "old" for p in cache.glob("*.html"))
    assert kept == [False, False, False, True]  # the three parts of this memo, and the newest old one


def test_warming_the_exporters_makes_them_and_leaves_nothing(tmp_path):
    """In a fresh process: both exporters (reviewer pages and memo parts) exist
    afterwards, and the folder the warm-up wrote into is as it was."""
    import subprocess
    import sys

    from evaluation import config

    code = ("import sys; from pathlib import Path; from evaluation.run.documents import exporters_warmed; "
            "from evaluation.memo.export import document\n"
            "with exporters_warmed(Path(sys.argv[1])): pass\n"
            "print(sorted(document._EXPORTERS))\n")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                          cwd=config.PROJECT_ROOT, check=True)
    assert done.stdout.strip() == "[('da', False), ('da', True)]"
    assert list(tmp_path.iterdir()) == []
