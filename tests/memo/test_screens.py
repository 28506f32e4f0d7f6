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
  return {id: f.id, src: img.src, shown: img.getBoundingClientRect().width, natural: img.naturalWidth,
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
                page.goto((bundled_run / "profiles" / "kommune-a.html").as_uri(), wait_until="load")
                facts[width]["profile_figures"] = page.evaluate(_FIGURES)
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


def _text_per_css_px(svg: str) -> float:
    """The drawing's smallest text in CSS px if the figure were drawn 1 px wide."""
    return _smallest_text_pt(svg) / _width_pt(svg)


@pytest.mark.parametrize("width", [1400, 390])
def test_figure_text_is_at_least_9_css_px(screens, bundled_run, width):
    """Each figure of the memo, matched to its own SVG by the PNG it embeds."""
    import base64

    figures = screens[width]["figures"]
    svgs = {p.stem: p.read_text(encoding="utf-8") for p in (bundled_run / "figures").glob("figur-*.svg")}
    pngs = {base64.b64encode(p.read_bytes()).decode("ascii"): p.stem
            for p in (bundled_run / "figures").glob("figur-*.png")}
    assert len(figures) == len(svgs) >= 9  # 1-8 and the trend
    for figure in figures:
        stem = pngs[figure["src"].removeprefix("data:image/png;base64,")]
        size = _text_per_css_px(svgs[stem])
        assert 6.5 / 460 < size < 12 / 400, stem  # the SVG was read (7 pt in a 453.5 pt wide figure)
        assert figure["shown"] * size >= MIN_TEXT_PX, (stem, figure["shown"] * size)
        assert figure["boxOverflow"] == "auto" and figure["focusable"] and figure["label"], stem
    if width == 390:
        assert all(f["boxScrolls"] for f in figures)  # wider than the phone: the figure scrolls in its box


@pytest.mark.parametrize("width", [1400, 390])
def test_profile_figure_text_is_at_least_9_css_px(screens, bundled_run, width, tmp_path):
    """A profile's figure is a PNG drawn from marks (:mod:`evaluation.memo.figures.raster`):
    it is drawn again, as the profile notebook draws it, and its smallest text
    (in image pixels) is scaled to the width the page shows the image at."""
    import hashlib

    from evaluation.analysis import trend
    from evaluation.memo import figures as drawing
    from evaluation.memo.context import open_context
    from evaluation.memo.figures.raster import Text

    ctx = open_context("", str(tmp_path), "", "")
    profile = trend.group_profile(ctx.responses, "Kommune A", ctx.parameters,
                                  municipalities=ctx.ds.municipalities["municipality"])
    chart = drawing.profile_chart(profile, labels=ctx.labels, round_labels=ctx.round_labels,
                                  municipality="Kommune A", scale_labels=ctx.scale_labels)
    # The same figure as the published one, byte for byte (compared by digest: no byte diff on failure).
    published = (bundled_run / "figures" / "profil-kommune-a.png").read_bytes()
    assert hashlib.sha256(chart.png()).hexdigest() == hashlib.sha256(published).hexdigest()
    sizes = [m.size for m in chart.marks if isinstance(m, Text) and m.text.strip()]
    assert len(sizes) > 10  # titles, tick labels, legend and caption were read
    size = min(sizes) / chart.width  # the smallest text in CSS px if the image were shown 1 px wide
    [figure] = screens[width]["profile_figures"]
    assert figure["natural"] == chart.width
    assert figure["shown"] * size >= MIN_TEXT_PX, figure["shown"] * size
    assert figure["boxOverflow"] == "auto" and figure["focusable"] and figure["label"]
