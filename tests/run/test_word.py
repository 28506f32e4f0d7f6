"""Word copies in a run (evaluation.run.word): written, reused, listed."""
import os
import shutil

from evaluation.run.word import docx_name, with_word_copies, write_word_documents

PAGE = ('<!DOCTYPE html><html lang="da"><head><title>T</title></head><body><main>'
        '<h1 id="top">Titel</h1><h2 id="sec-1">1 Afsnit</h2><p>Tekst.</p></main></body></html>')


def _folder(path, names):
    for name in names:
        (path / name).parent.mkdir(parents=True, exist_ok=True)
        (path / name).write_text(PAGE, encoding="utf-8")
    return path


def test_docx_name():
    assert docx_name("memo.html") == "memo.docx"
    assert docx_name("profiles/kommune-a.html") == "profiles/kommune-a.docx"


def test_writes_a_copy_per_document_and_records_it(tmp_path):
    work = _folder(tmp_path / "work", ["memo.html", "profiles/kommune-a.html"])
    manifest = {"documents": {"memo.html": ["01", "02"], "profiles/kommune-a.html": ["profil-a"]}}
    written = write_word_documents(work, tmp_path / "none", manifest)
    assert written == ["memo.docx", "profiles/kommune-a.docx"]
    assert all((work / w).read_bytes()[:2] == b"PK" for w in written)
    assert manifest["docx"] is True
    assert manifest["documents"]["memo.docx"] == ["01", "02"]
    assert manifest["documents"]["profiles/kommune-a.docx"] == ["profil-a"]


def test_reuses_the_published_copy_of_an_unchanged_document(tmp_path):
    final = _folder(tmp_path / "final", ["memo.html", "profiles/kommune-a.html"])
    write_word_documents(final, tmp_path / "none", {"documents": {"memo.html": [], "profiles/kommune-a.html": []}})
    work = tmp_path / "work"
    (work / "profiles").mkdir(parents=True)
    os.link(final / "memo.html", work / "memo.html")  # reused unchanged, as the run links it
    shutil.copy(final / "profiles/kommune-a.html", work / "profiles/kommune-a.html")  # rebuilt
    (final / "profiles/kommune-a.docx").write_bytes(b"stale")
    write_word_documents(work, final, {"documents": {"memo.html": [], "profiles/kommune-a.html": []}})
    assert os.path.samefile(work / "memo.docx", final / "memo.docx")
    assert (work / "profiles/kommune-a.docx").read_bytes()[:2] == b"PK"


def test_index_links_each_page_then_its_word_copy(tmp_path):
    work = _folder(tmp_path, ["memo.html", "profiles/a.html", "profiles/b.html"])
    (work / "memo.docx").write_bytes(b"PK")
    (work / "profiles/b.docx").write_bytes(b"PK")
    links = [("Notatet som webside: X", "memo.html")]
    assert with_word_copies(work, links) == [("Notatet som webside: X", "memo.html"),
                                             ("Notatet: X (Word-dokument)", "memo.docx")]
    assert with_word_copies(work, [("A", "profiles/a.html"), ("B", "profiles/b.html")]) == [
        ("A", "profiles/a.html"), ("B", "profiles/b.html"), ("B (Word-dokument)", "profiles/b.docx")]
