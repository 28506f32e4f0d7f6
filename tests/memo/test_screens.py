"""Tables and figures of the memo on a wide screen (1,400 px) and a phone (390 px), in Chromium.

Every table scrolls inside its own box: at each width, a table wider than
its box has that box as its own scroll container (holding no other table),
and its caption stays readable within the box, also when the box is
scrolled.  Figure text is measured: the smallest text of each figure (read
from its SVG, where matplotlib draws each glyph at ``scale(size / 100)``)
times the width the figure is drawn at, over the figure's width, is at
least 9 CSS px.  Screenshots of the appendix table at both widths are saved
in ``outputs/browser/``.
"""
from __future__ import annotations

import re

import pytest

from evaluation import config

SCREENSHOTS = config.OUTPUTS_DIR / "browser"
MIN_TEXT_PX = 9

_TABLES = """() => Array.from(document.querySelectorAll('main table')).map(t => {
  let box = null;
  for (let e = t.parentElement; e && e !== document.body; e = e.parentElement) {
    if (['auto', 'scroll'].includes(getComputedStyle(e).overflowX)) { box = e; break; }
  }
  const caption = t.querySelector('caption');
  const words = caption ? (() => { const r = document.createRange(); r.selectNodeContents(caption);
    return Array.from(r.getClientRects()); })() : [];
  const b = box ? box.getBoundingClientRect() : null;
  return {
    caption: caption ? caption.textContent.trim() : '',
    tableWidth: t.getBoundingClientRect().width,
    boxClass: box ? box.className : null,
    boxWidth: box ? box.clientWidth : null,
    boxScrolls: box ? box.scrollWidth > box.clientWidth : false,
    tablesInBox: box ? box.querySelectorAll('table').length : 0,
    focusable: box ? box.tabIndex >= 0 : false,
    captionLeft: words.length ? Math.min(...words.map(r => r.left)) : null,
    captionRight: words.length ? Math.max(...words.map(r => r.right)) : null,
    boxLeft: b ? b.left : null, boxRight: b ? b.right : null,
    viewport: window.innerWidth,
  };
})"""
_SCROLL_ALL = "() => document.querySelectorAll('main .table-wrap').forEach(w => { w.scrollLeft = w.scrollWidth; })"
_FIGURES = """() => Array.from(document.querySelectorAll('main figure.memo-figure')).map(f => {
  const img = f.querySelector('img');
  const box = img.parentElement;
  return {id: f.id, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
          boxScrolls: box.scrollWidth > box.clientWidth, boxOverflow: getComputedStyle(box).overflowX,
          focusable: box.tabIndex >= 0, label: box.getAttribute('aria-label') || ''};
})"""


@pytest.fixture(scope="module")
def screens(bundled_run):
    """What the memo's tables and figures look like at 1,400 and 390 px."""
    from evaluation.memo.browser import BrowserError, find_chromium, open_browser

    if find_chromium() is None:
        pytest.skip("no Chromium found (apt-get install chromium)")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    facts = {}
    try:
        with open_browser() as browser:
            for width in (1400, 390):
                context = browser.new_context(viewport={"width": width, "height": 900}, is_mobile=width < 500,
                                              locale="da-DK")
                context.route("**/*", lambda r: r.continue_() if r.request.url.startswith(("file:", "data:"))
                              else r.abort("blockedbyclient"))
                page = context.new_page()
                page.goto((bundled_run / "memo.html").as_uri(), wait_until="load")
                tables = page.evaluate(_TABLES)
                page.evaluate(_SCROLL_ALL)
                scrolled = page.evaluate(_TABLES)
                page.evaluate("() => document.querySelector('main table').closest('.table-wrap').scrollLeft = 0")
                page.locator("main table").first.scroll_into_view_if_needed()
                page.screenshot(path=str(SCREENSHOTS / f"memo-appendix-table-{width}.png"))
                facts[width] = {"tables": tables, "scrolled": scrolled, "figures": page.evaluate(_FIGURES)}
                context.close()
    except BrowserError as exc:
        pytest.skip(f"Chromium does not start: {exc}")
    return facts


@pytest.mark.parametrize("width", [1400, 390])
def test_every_table_scrolls_in_its_own_box(screens, width):
    tables = screens[width]["tables"]
    assert len(tables) >= 5 and any(t["caption"] == "Sammenligning af de to målinger" for t in tables)
    for t in tables:
        assert t["boxClass"] == "table-wrap" and t["tablesInBox"] == 1 and t["focusable"], t["caption"]
        assert t["boxRight"] <= t["viewport"], t["caption"]  # the box itself is on screen
        # A column out of view means the table is wider than its box, which then scrolls.
        assert t["tableWidth"] <= t["boxWidth"] + 1 or t["boxScrolls"], t["caption"]


def test_the_comparison_table_is_wider_than_a_phone_and_scrolls_there(screens):
    [wide] = [t for t in screens[390]["tables"] if t["caption"] == "Sammenligning af de to målinger"]
    assert wide["tableWidth"] > wide["boxWidth"] and wide["boxScrolls"]


@pytest.mark.parametrize("width", [1400, 390])
@pytest.mark.parametrize("when", ["tables", "scrolled"])
def test_captions_stay_in_view(screens, width, when):
    for t in screens[width][when]:
        assert t["captionLeft"] >= t["boxLeft"] - 1 and t["captionRight"] <= t["boxRight"] + 1, t["caption"]


def _smallest_text_pt(svg: str) -> float:
    return min(float(s) * 100 for s in re.findall(r"scale\(([0-9.]+) -[0-9.]+\)", svg))


def _width_pt(svg: str) -> float:
    return float(re.search(r'<svg[^>]*\swidth="([0-9.]+)pt"', svg).group(1))


@pytest.mark.parametrize("width", [1400, 390])
def test_figure_text_is_at_least_9_css_px(screens, bundled_run, width):
    figures = screens[width]["figures"]
    svgs = {p.name: p.read_text(encoding="utf-8") for p in (bundled_run / "figures").glob("figur-*.svg")}
    assert len(figures) >= 8
    sizes = {}
    for name, svg in svgs.items():
        # the drawing's smallest text in CSS px, if the figure were drawn 1 px wide
        sizes[name] = _smallest_text_pt(svg) / _width_pt(svg)
    smallest = min(sizes.values())
    assert 6.5 / 460 < smallest < 12 / 400  # the SVGs were read (7 pt in 453.5 pt)
    for figure in figures:
        assert figure["shown"] * smallest >= MIN_TEXT_PX, figure
        assert figure["boxOverflow"] == "auto" and figure["focusable"] and figure["label"], figure
    if width == 390:
        assert all(f["boxScrolls"] for f in figures)  # wider than the phone: the figure scrolls in its box
