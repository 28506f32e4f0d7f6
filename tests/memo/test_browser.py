"""The published documents in a real browser, and the memo printed to PDF.

The browser is the machine's Chromium driven through Playwright
(:mod:`evaluation.browser`).  Every test that needs it is skipped, with the
reason, when no Chromium is found or it does not start; the tests of
:func:`find_chromium` and of the error messages run without one.

For reviewers, screenshots of the memo's first screen (desktop and phone)
are saved in ``outputs/browser/``.
"""
import re
import stat
import struct
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from evaluation import config
from evaluation.memo.browser import (CHROMIUM_ENV, BrowserError, find_chromium, open_browser, print_pdf,
                                require_chromium, screenshot)
from evaluation.cli import main
from evaluation.exceptions import EvaluationError, ParameterError

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
#: Width between the PDF's side margins: 210 mm - 2 x 18 mm = 174 mm, at 96 CSS px per inch.
A4_CONTENT_PX = int(174 / 25.4 * 96)
#: A4 in PDF points (1/72 inch): 210 mm x 297 mm.
A4_POINTS = (210 / 25.4 * 72, 297 / 25.4 * 72)
SCREENSHOTS = config.OUTPUTS_DIR / "browser"
PAIR = "opfoelgning-2019_vs_slutmaaling-2018"

# Everything a test asks of a loaded page, read in one round trip.
_PAGE_FACTS = """() => {
  const hrefs = Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href'));
  const fragments = hrefs.filter(h => h.startsWith('#'));
  return {
    images: Array.from(document.images).map(i => ({alt: i.alt, complete: i.complete, width: i.naturalWidth})),
    hrefs: hrefs,
    fragments: fragments,
    missing: fragments.filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
    toc: Array.from(document.querySelectorAll('nav.toc a')).map(a => a.getAttribute('href')),
    scrollWidth: document.documentElement.scrollWidth,
  };
}"""
_TARGET_BOX = """id => {
  const r = document.getElementById(id).getBoundingClientRect();
  return {top: r.top, bottom: r.bottom, innerHeight: window.innerHeight, scrollY: window.scrollY};
}"""
_FIGURES_IN_PRINT = """() => Array.from(document.querySelectorAll('figure')).map(f => ({
  id: f.id,
  breakInside: getComputedStyle(f).breakInside,
  caption: f.querySelector('figcaption') ? f.querySelector('figcaption').textContent.trim() : '',
}))"""


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="session")
def chromium():
    """Skip unless a Chromium is found and starts through Playwright.

    Session-scoped and asked for first, so that a machine without a browser
    skips before the end-to-end run is built."""
    if find_chromium() is None:
        pytest.skip(f"no Chromium found: install Debian's chromium (apt-get install chromium) or set {CHROMIUM_ENV}")
    try:
        with open_browser():
            pass
    except BrowserError as exc:
        pytest.skip(f"Chromium does not start through Playwright: {exc}")


def _is_local(url: str, document: Path) -> bool:
    """The document's own file, or data embedded in it."""
    if url.startswith("data:"):
        return True
    return urlsplit(url)._replace(fragment="").geturl() == document.as_uri()


def _visit(document: Path, *, viewport: dict, mobile: bool = False, print_media: bool = False, then=None) -> dict:
    """Load ``document`` in a fresh browser; return what the page showed.

    Console errors, page errors and every request are recorded from the
    start; requests that are not local are recorded and then refused, so a
    test never reaches the network.  ``then(page, facts)`` may act on the
    loaded page and add to the facts.
    """
    facts = {"errors": [], "requests": []}

    def on_console(message):
        if message.type == "error":
            facts["errors"].append(f"console: {message.text}")

    def route(r):
        if _is_local(r.request.url, document):
            r.continue_()
        else:
            r.abort("blockedbyclient")

    with open_browser() as browser:
        context = browser.new_context(viewport=viewport, is_mobile=mobile, has_touch=mobile, locale="da-DK")
        page = context.new_page()
        page.on("console", on_console)
        page.on("pageerror", lambda exc: facts["errors"].append(f"page: {exc}"))
        page.on("request", lambda request: facts["requests"].append(request.url))
        context.route("**/*", route)
        if print_media:
            page.emulate_media(media="print")
        page.goto(document.as_uri(), wait_until="load")
        facts.update(page.evaluate(_PAGE_FACTS))
        if then is not None:
            then(page, facts)
        context.close()
    return facts


DOCUMENTS = ("memo", "index", "profile")


def _documents(folder: Path) -> dict:
    profile = sorted((folder / "profiles").glob("*.html"))[0]
    return {"memo": folder / "memo.html", "index": folder / "index.html", "profile": profile}


def _click_last_toc_entry(page, facts: dict) -> None:
    if not facts["toc"]:
        return
    href = facts["toc"][-1]
    page.locator(f'nav.toc a[href="{href}"]').click()
    page.wait_for_function("h => location.hash === h", arg=href)
    facts["clicked"] = href
    facts["target_box"] = page.evaluate(_TARGET_BOX, unquote(href[1:]))


@pytest.fixture(scope="module")
def visits(chromium, bundled_run) -> dict:
    """The memo, the index and one profile of the bundled run, each opened
    on a desktop screen (the last entry of a table of contents clicked)."""
    return {name: (document, _visit(document, viewport=DESKTOP, then=_click_last_toc_entry))
            for name, document in _documents(bundled_run).items()}


@pytest.fixture(scope="module")
def phone_visits(chromium, bundled_run) -> dict:
    """The same documents opened on a phone."""
    return {name: _visit(document, viewport=PHONE, mobile=True) for name, document in _documents(bundled_run).items()}


@pytest.fixture(scope="module")
def memo_in_print(chromium, bundled_run):
    """The memo laid out for print, as wide as an A4 page between its margins."""
    return _visit(bundled_run / "memo.html", viewport={"width": A4_CONTENT_PX, "height": 900}, print_media=True,
                  then=lambda page, facts: facts.update(figures=page.evaluate(_FIGURES_IN_PRINT)))


@pytest.fixture(scope="module")
def cli_pdf(chromium, tmp_path_factory):
    """``evaluation run --no-profiles --pdf``: the published folder."""
    out = tmp_path_factory.mktemp("pdfrun") / "outputs"
    assert main(["run", "--out", str(out), "--no-profiles", "--pdf"]) == 0
    return out / PAIR


@pytest.fixture(scope="module")
def pdf_pages(cli_pdf):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(cli_pdf / "memo.pdf")
    return reader.pages


def _png_size(path: Path) -> tuple[int, int]:
    """Width and height from the PNG's IHDR chunk (read by hand, no image library)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n" and head[12:16] == b"IHDR"
    return struct.unpack(">II", head[16:24])


# ------------------------------------------------------- every document
@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_console_or_page_errors(visits, name):
    _, facts = visits[name]
    assert facts["errors"] == [], name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_no_request_but_the_document_itself(visits, name):
    document, facts = visits[name]
    assert facts["requests"], "the document's own request was not recorded"
    assert facts["requests"][0] == document.as_uri()
    outside = [url for url in facts["requests"] if not _is_local(url, document)]
    assert outside == [], name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_image_is_decoded(visits, name):
    _, facts = visits[name]
    broken = [image["alt"][:60] for image in facts["images"] if not (image["complete"] and image["width"] > 0)]
    assert broken == [], name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_every_internal_link_lands_on_an_element(visits, name):
    _, facts = visits[name]
    assert facts["missing"] == [], name


@pytest.mark.parametrize("name", DOCUMENTS)
def test_relative_links_point_at_published_files(visits, bundled_run, name):
    document, facts = visits[name]
    relative = [h for h in facts["hrefs"] if not h.startswith("#") and not urlsplit(h).scheme]
    assert relative, f"{name} links to no other file"
    root = bundled_run.resolve()
    for href in relative:
        target = (document.parent / unquote(urlsplit(href).path)).resolve()
        assert target.is_relative_to(root), (name, href)
        assert target.is_file(), (name, href)


@pytest.mark.parametrize("name", DOCUMENTS)
def test_readable_on_a_phone_without_sideways_scrolling(phone_visits, name):
    facts = phone_visits[name]
    assert facts["errors"] == []
    assert facts["scrollWidth"] <= PHONE["width"] + 1, name


# ------------------------------------------------------------- the memo
def test_memo_shows_its_nine_figures(visits):
    _, facts = visits["memo"]
    figures = [image for image in facts["images"] if image["width"] > 0]
    assert len(figures) == 9


def test_memo_table_of_contents_lands_and_scrolls(visits):
    _, facts = visits["memo"]
    # At least the title, 4 chapters, 9 sections and the appendix (counted
    # by hand from the memo's structure); the appendix's parts may add more.
    assert len(facts["toc"]) >= 1 + 4 + 9 + 1
    assert all(href.startswith("#") and len(href) > 1 for href in facts["toc"])
    assert not set(facts["toc"]) & set(facts["missing"])
    box = facts["target_box"]
    assert facts["clicked"] == facts["toc"][-1]
    assert box["scrollY"] > 0
    assert 0 <= box["top"] < box["innerHeight"]


def test_memo_first_screen_for_reviewers(chromium, bundled_run):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    desktop = screenshot(bundled_run / "memo.html", SCREENSHOTS / "memo-first-screen.png")
    phone = screenshot(bundled_run / "memo.html", SCREENSHOTS / "memo-phone-first-screen.png", **PHONE)
    assert desktop == (SCREENSHOTS / "memo-first-screen.png").resolve()
    assert _png_size(desktop) == (DESKTOP["width"], DESKTOP["height"])
    assert _png_size(phone) == (PHONE["width"], PHONE["height"])
    assert not list(SCREENSHOTS.glob(".*tmp*"))


def test_memo_figures_stay_whole_in_print(memo_in_print):
    figures = memo_in_print["figures"]
    assert [f["caption"].split(" ", 2)[:2] for f in figures] == [["Figur", f"{n}."] for n in range(1, 10)]
    assert {f["breakInside"] for f in figures} == {"avoid"}


def test_memo_fits_between_the_print_margins(memo_in_print):
    # Wider content would make Chromium shrink every page of the PDF.
    assert memo_in_print["errors"] == []
    assert memo_in_print["scrollWidth"] <= A4_CONTENT_PX + 1


# --------------------------------------------------------------- the PDF
def test_run_with_pdf_writes_and_records_it(cli_pdf):
    import json

    assert (cli_pdf / "memo.pdf").read_bytes()[:5] == b"%PDF-"
    assert json.loads((cli_pdf / "manifest.json").read_text(encoding="utf-8"))["pdf"] is True
    assert not list(cli_pdf.glob(".*tmp*"))


def test_pdf_is_a4_with_a_sensible_number_of_pages(pdf_pages):
    assert 5 <= len(pdf_pages) <= 40
    for page in pdf_pages:
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert abs(width - A4_POINTS[0]) <= 2 and abs(height - A4_POINTS[1]) <= 2


def test_pdf_numbers_every_page_in_danish(pdf_pages):
    total = len(pdf_pages)
    for number, page in enumerate(pdf_pages, start=1):
        text = page.extract_text()
        # Once: the footer of the PDF and the stylesheet's own page box must
        # not both print it.
        assert text.count(f"Side {number} af {total}") == 1, number


def test_pdf_prints_every_figure_whole(pdf_pages):
    texts = [page.extract_text() for page in pdf_pages]
    for number in range(1, 10):
        pages = [i for i, text in enumerate(texts) if f"Figur {number}." in text]
        assert pages, f"no caption of figure {number}"
        # The caption is printed on a page that also shows an image.
        assert any(pdf_pages[i].images for i in pages), number
    # An image sliced over two pages would be drawn on both.
    assert sum(len(page.images) for page in pdf_pages) == 9


def test_pdf_outline_follows_the_chapters(cli_pdf):
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(cli_pdf / "memo.pdf")

    def flat(entries):
        for entry in entries:
            yield from flat(entry) if isinstance(entry, list) else [entry]

    entries = [(e.title, reader.get_destination_page_number(e)) for e in flat(reader.outline)]
    titles = [title for title, _ in entries]
    # The chapters of the memo (MEMO.md section 4), in order.
    chapters = [t for t in titles if t[:2] in {"1 ", "2 ", "3 ", "4 "}]
    assert [t.split()[0] for t in chapters] == ["1", "2", "3", "4"]
    assert "3.6 Kompetencer" in titles
    pages = [page for _, page in entries]
    assert pages == sorted(pages)


def _outline_titles(reader) -> list[str]:
    def flat(entries):
        for entry in entries:
            yield from flat(entry) if isinstance(entry, list) else [entry]

    return [entry.title for entry in flat(reader.outline)]


def test_pdf_is_ready_to_publish_for_every_reader(cli_pdf):
    # The checkable part of PDF/UA (evaluation.memo.pdf mends what Chromium leaves).
    pypdf = pytest.importorskip("pypdf")
    reader = pypdf.PdfReader(cli_pdf / "memo.pdf")
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "da"
    assert reader.metadata.title == "Opfølgning på kommunernes handlingsplaner mod ekstremisme"
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    xmp = reader.xmp_metadata
    assert xmp.dc_title == {"x-default": reader.metadata.title}
    assert xmp.dc_language == ["da"]

    figures, types, stack = [], set(), [root["/StructTreeRoot"]]
    while stack:
        element = stack.pop().get_object()
        kids = element.get("/K")
        kids = kids if isinstance(kids, list) else [kids] if kids is not None else []
        for kid in kids:
            kid = kid.get_object()
            if isinstance(kid, dict) and "/S" in kid:
                types.add(kid["/S"])
                if kid["/S"] == "/Figure":
                    figures.append(kid)
                stack.append(kid)
    assert len(figures) == 9 and all(f.get("/Alt") for f in figures)
    role_map = root["/StructTreeRoot"].get("/RoleMap", {})
    assert {t for t in types if t in ("/Em", "/Strong")} <= set(role_map)

    annotations = [a.get_object() for page in reader.pages for a in page.get("/Annots", [])]
    links = [a for a in annotations if a["/Subtype"] == "/Link"]
    assert links and all(a.get("/Contents") for a in links)
    uris = [a["/A"]["/URI"] for a in links if "/A" in a]
    assert uris and not [u for u in uris if u.startswith("file:") or "/work/" in u or u.startswith("/")]
    for uri in uris:
        assert (cli_pdf / unquote(urlsplit(uri).path)).is_file(), uri

    # Bookmarks carry their headings' words: each is a heading of the memo, word for word.
    from evaluation.memo.pdf import document_links

    _, headings = document_links((cli_pdf / "memo.html").read_text(encoding="utf-8"))
    titles = _outline_titles(reader)[:20]
    assert titles and [t for t in titles if t not in headings] == []
    assert "Opfølgning på kommunernes handlingsplaner mod ekstremisme" in titles


def _wrapped_joins(pdf_path: Path) -> list[str]:
    """The words a reader that ignores the layout joins where a line wraps:
    consecutive pieces of drawn text where the second starts the next line
    (one line step down, back at the left) and neither has a space at the seam."""
    pypdf = pytest.importorskip("pypdf")
    joined = []
    for page in pypdf.PdfReader(pdf_path).pages:
        pieces = []

        def visit(text, cm, tm, font, size, pieces=pieces):
            if text and text != "\n":  # pypdf's own line breaks are not in the page
                pieces.append((text, tm[4], tm[5], size * abs(tm[3] or tm[0] or 1)))

        page.extract_text(visitor_text=visit)
        for (a, ax, ay, height), (b, bx, by, _) in zip(pieces, pieces[1:]):
            if 0.8 * height < abs(by - ay) < 2 * height and bx <= ax + 1 and a[-1:].isalnum() and b[:1].isalnum():
                joined.append(re.findall(r"\w+$", a)[0] + re.findall(r"^\w+", b)[0])
    return joined


def _spaced_pairs(html_text: str) -> set[str]:
    """Every two words that follow each other with a space inside one block of the HTML, joined."""
    bs4 = pytest.importorskip("bs4")
    runs: dict[int, list[str]] = {}
    blocks = ("p", "li", "h1", "h2", "h3", "h4", "td", "th", "caption", "figcaption", "footer", "blockquote", "div")
    for string in bs4.BeautifulSoup(html_text, "html.parser").find_all(string=True):
        block = string.find_parent(blocks)
        if block is not None:
            runs.setdefault(id(block), []).append(str(string))
    return {a + b for parts in runs.values()
            for a, b in re.findall(r"(\w+) (?=(\w+))", " ".join("".join(parts).split()))}


def test_pdf_text_keeps_the_space_at_every_line_end(cli_pdf):
    # Chromium alone drops it: 160 words of the memo were joined ("oghåndteringen").
    pairs = _spaced_pairs((cli_pdf / "memo.html").read_text(encoding="utf-8"))
    joins = _wrapped_joins(cli_pdf / "memo.pdf")
    assert len(joins) > 50  # the check sees the line ends it judges
    assert [word for word in joins if word in pairs] == []
    # Ligatures would split words ("signiﬁ kant") for the same readers.
    text = "".join(page.extract_text() for page in pytest.importorskip("pypdf").PdfReader(cli_pdf / "memo.pdf").pages)
    assert not re.search("[\ufb00-\ufb06]", text)


def test_print_pdf_replaces_an_existing_file_whole(chromium, bundled_run, tmp_path):
    target = tmp_path / "memo.pdf"
    target.write_bytes(b"an older version")
    written = print_pdf(bundled_run / "memo.html", target)
    assert written == target.resolve()
    assert target.read_bytes()[:5] == b"%PDF-"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["memo.pdf"]


# ------------------------------------------- finding Chromium, and errors
def _fake_executable(folder: Path, name: str) -> Path:
    path = folder / name
    path.write_text("#!/bin/sh\nexit 1\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def no_chromium(monkeypatch, tmp_path):
    """A PATH without any browser and no environment variable."""
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.delenv(CHROMIUM_ENV, raising=False)
    return empty


@pytest.fixture
def page_file(tmp_path) -> Path:
    path = tmp_path / "page.html"
    path.write_text("<!DOCTYPE html><title>t</title><p>Hej</p>", encoding="utf-8")
    return path


def test_find_chromium_prefers_the_environment_variable(monkeypatch, no_chromium, tmp_path):
    _fake_executable(no_chromium, "chromium")
    chosen = _fake_executable(tmp_path, "my-chromium")
    monkeypatch.setenv(CHROMIUM_ENV, str(chosen))
    assert find_chromium() == str(chosen)


def test_find_chromium_never_falls_back_when_the_variable_names_nothing(monkeypatch, no_chromium, tmp_path):
    _fake_executable(no_chromium, "chromium")
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "missing"))
    assert find_chromium() is None
    not_executable = tmp_path / "plain-file"
    not_executable.write_text("")
    monkeypatch.setenv(CHROMIUM_ENV, str(not_executable))
    assert find_chromium() is None


def test_find_chromium_searches_path_in_order(no_chromium):
    assert find_chromium() is None
    _fake_executable(no_chromium, "google-chrome")
    assert find_chromium() == str(no_chromium / "google-chrome")
    _fake_executable(no_chromium, "chromium-browser")
    assert find_chromium() == str(no_chromium / "chromium-browser")
    _fake_executable(no_chromium, "chromium")
    assert find_chromium() == str(no_chromium / "chromium")


def test_require_chromium_returns_the_path_or_says_what_to_install(no_chromium):
    with pytest.raises(BrowserError, match="apt-get install chromium"):
        require_chromium()
    chromium = _fake_executable(no_chromium, "chromium")
    assert require_chromium() == str(chromium)


def test_missing_chromium_says_what_to_install(no_chromium, page_file, tmp_path):
    with pytest.raises(BrowserError) as info:
        print_pdf(page_file, tmp_path / "out.pdf")
    assert "apt-get install chromium" in str(info.value) and CHROMIUM_ENV in str(info.value)
    assert isinstance(info.value, EvaluationError) and info.value.exit_code == 2
    assert not (tmp_path / "out.pdf").exists()


def test_bad_environment_variable_is_named(monkeypatch, no_chromium, page_file, tmp_path):
    monkeypatch.setenv(CHROMIUM_ENV, str(tmp_path / "missing"))
    with pytest.raises(BrowserError, match=CHROMIUM_ENV):
        screenshot(page_file, tmp_path / "out.png")


def test_missing_playwright_says_what_to_install(monkeypatch, no_chromium, page_file, tmp_path):
    _fake_executable(no_chromium, "chromium")
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)  # makes the import fail
    with pytest.raises(BrowserError, match="Playwright"):
        print_pdf(page_file, tmp_path / "out.pdf")


def test_a_browser_that_does_not_start_is_reported(no_chromium, page_file, tmp_path):
    pytest.importorskip("playwright.sync_api")
    _fake_executable(no_chromium, "chromium")  # exits at once
    with pytest.raises(BrowserError, match="did not start"):
        print_pdf(page_file, tmp_path / "out.pdf")
    assert not (tmp_path / "out.pdf").exists()


@pytest.mark.parametrize("call, match", [
    (lambda d: print_pdf(d / "missing.html", d / "out.pdf"), "html_path"),
    (lambda d: print_pdf(d / "page.html", d / "out.txt"), "pdf_path"),
    (lambda d: print_pdf(d / "page.html", d / "no-folder" / "out.pdf"), "pdf_path"),
    (lambda d: screenshot(d / "page.html", d / "out.jpg"), "png_path"),
    (lambda d: screenshot(d / "page.html", d / "out.png", width=10), "width"),
    (lambda d: screenshot(d / "page.html", d / "out.png", height=1.5), "height"),
    (lambda d: screenshot(d / "page.html", d / "out.png", full_page="yes"), "full_page"),
])
def test_arguments_are_checked_before_the_browser_starts(no_chromium, page_file, call, match):
    with pytest.raises(ParameterError, match=match):
        call(page_file.parent)
