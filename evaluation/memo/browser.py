"""Open the exported documents in a headless Chromium: PDF and screenshots.

Use::

    print_pdf(out / "memo.html", out / "memo.pdf")          # A4, "Side x af y"
    screenshot(out / "memo.html", out / "memo.png", width=390, height=844)

    with open_browser() as browser:                        # for checks of your own
        page = browser.new_page()
        page.goto((out / "memo.html").as_uri())

The browser is a Chromium installed on the machine (Debian's ``chromium``
package, ``apt-get install chromium``), driven through Playwright; the
browser Playwright downloads itself is never used.  :func:`find_chromium`
looks at ``$EVALUATION_CHROMIUM`` first, then for ``chromium``,
``chromium-browser`` and ``google-chrome`` on ``PATH``.  Chromium starts
headless, without sandbox (it may run as root in a container), and with
every background service that would reach the network turned off; the pages
it opens load nothing but ``file:`` and ``data:`` URLs, any other request is
refused.

When Chromium or Playwright is missing, :class:`BrowserError` says what to
install; the command line reports it with exit code 2.  Files are written
atomically: a reader sees the previous file or the complete new one.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..checks import check_number, fail
from ..exceptions import EvaluationError
from ..files import write_atomically
from .pdf import KEEP_SPACES_CSS, KEEP_SPACES_SCRIPT, finish_pdf

__all__ = [
    "CHROMIUM_ENV",
    "CHROMIUM_NAMES",
    "CHROMIUM_ARGS",
    "PDF_MARGIN",
    "BrowserError",
    "find_chromium",
    "require_chromium",
    "open_browser",
    "print_pdf",
    "screenshot",
]

#: Environment variable naming the Chromium executable (a path or a name on PATH).
CHROMIUM_ENV = "EVALUATION_CHROMIUM"
#: Executables looked for on PATH when the environment variable is not set.
CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
#: Command-line switches Chromium is started with: no sandbox (root in a
#: container), no GPU, and no background service that talks to the network.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)
#: Page margins of the PDF; the same as the ``@page`` rule of memo.css.  The
#: bottom margin holds the page number.
PDF_MARGIN = {"top": "20mm", "right": "18mm", "bottom": "22mm", "left": "18mm"}

_INSTALL_HINT = f"install Debian's chromium (apt-get install chromium) or set {CHROMIUM_ENV}"
# Chromium fills the spans of these classes; the template is drawn at 100 %
# with no inherited style, so it carries its own font.
_FOOTER = (
    '<div style="width:100%;text-align:center;color:#595959;'
    'font-family:system-ui,Arial,sans-serif;font-size:8pt;">'
    'Side <span class="pageNumber"></span> af <span class="totalPages"></span></div>'
)
_HEADER = "<span></span>"
# The stylesheet numbers pages itself (a margin box, for printing from a
# browser); the PDF has the footer above instead, so the box is emptied.
_NO_MARGIN_BOXES = "@page { @bottom-center { content: none; } }"
_LOCAL_SCHEMES = ("file:", "data:", "about:")
#: Milliseconds a page may take to load or print.
_TIMEOUT_MS = 60_000


class BrowserError(EvaluationError):
    """Chromium or Playwright is missing, or the browser failed."""


def find_chromium() -> str | None:
    """Return the path of the Chromium to use, or ``None`` if there is none.

    ``$EVALUATION_CHROMIUM`` wins when set (a path or a name on PATH; if it
    names nothing executable the result is ``None``, never another browser).
    Otherwise the first of :data:`CHROMIUM_NAMES` found on PATH.
    """
    wanted = os.environ.get(CHROMIUM_ENV, "").strip()
    if wanted:
        return shutil.which(wanted)
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> str:
    """Return :func:`find_chromium`'s path, or raise :class:`BrowserError`
    saying what to install.  Cheap: a caller can check before long work."""
    path = find_chromium()
    if path is not None:
        return path
    wanted = os.environ.get(CHROMIUM_ENV, "").strip()
    if wanted:
        raise BrowserError(f"Chromium not found: {CHROMIUM_ENV}={wanted!r} is not an executable; "
                           f"point it at one or unset it (then {', '.join(CHROMIUM_NAMES)} are looked for on PATH)")
    raise BrowserError(f"Chromium not found; {_INSTALL_HINT}")


@contextmanager
def open_browser() -> Iterator[object]:
    """Start a headless Chromium and yield Playwright's ``Browser``.

    Raises
    ------
    BrowserError
        Playwright is not installed, no Chromium was found, or it would not start.
    """
    executable = require_chromium()
    try:
        from playwright.sync_api import Error as PlaywrightError
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise BrowserError("Playwright for Python is not installed; pip install playwright "
                           "(its browser download is not needed: the machine's Chromium is used)") from None
    with sync_playwright() as pw:
        try:
            browser = pw.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_ARGS))
        except PlaywrightError as exc:
            raise BrowserError(f"Chromium at {executable} did not start: {_first_line(exc)}; {_INSTALL_HINT}") from None
        try:
            yield browser
        except PlaywrightError as exc:
            raise BrowserError(f"Chromium failed: {_first_line(exc)}") from None
        finally:
            browser.close()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _refuse_remote(route) -> None:
    if route.request.url.startswith(_LOCAL_SCHEMES):
        route.continue_()
    else:
        route.abort("blockedbyclient")


def _check_document(html_path: str | os.PathLike) -> Path:
    if not isinstance(html_path, (str, os.PathLike)):
        fail("html_path", html_path, "a path to an HTML file")
    path = Path(html_path).resolve()
    if not path.is_file():
        fail("html_path", str(html_path), "an existing HTML file")
    return path


def _check_target(name: str, target: str | os.PathLike, suffix: str) -> Path:
    if not isinstance(target, (str, os.PathLike)) or Path(target).suffix.lower() != suffix:
        fail(name, target, f"a path ending in {suffix}")
    path = Path(target).resolve()
    if not path.parent.is_dir():
        fail(name, str(target), "a path in an existing folder")
    return path


@contextmanager
def _open_page(html_path: Path, *, width: int, height: int) -> Iterator[object]:
    """Yield a page with ``html_path`` loaded (fonts and images included)."""
    with open_browser() as browser:
        context = browser.new_context(viewport={"width": width, "height": height}, locale="da-DK")
        try:
            context.route("**/*", _refuse_remote)
            page = context.new_page()
            page.set_default_timeout(_TIMEOUT_MS)
            page.goto(html_path.as_uri(), wait_until="load")
            page.evaluate("document.fonts.ready.then(() => true)")
            yield page
        finally:
            context.close()


def print_pdf(html_path: str | os.PathLike, pdf_path: str | os.PathLike) -> Path:
    """Print an exported document to an A4 PDF with Chromium.

    Backgrounds are printed, the page size and margins of the document's
    ``@page`` rule win, and every page carries "Side x af y" at the bottom.
    The PDF is tagged and its outline (a reader's bookmarks) follows the
    headings; :func:`evaluation.memo.pdf.finish_pdf` then makes its links
    relative, describes them, gives it XMP metadata and mends Chromium's
    tags (alt text on every figure, a role map).

    Parameters
    ----------
    html_path : path-like
        The HTML document, e.g. ``memo.html``.
    pdf_path : path-like
        The PDF to write (``.pdf``); its folder must exist.  Replaced
        atomically if it exists.

    Returns
    -------
    Path
        The absolute path of the PDF written.

    Raises
    ------
    BrowserError
        No Chromium or Playwright, or the browser failed.
    ParameterError
        ``html_path`` is not a file or ``pdf_path`` is not a ``.pdf`` in an
        existing folder.
    """
    source = _check_document(html_path)
    target = _check_target("pdf_path", pdf_path, ".pdf")
    with _open_page(source, width=1280, height=900) as page:
        page.emulate_media(media="print")
        page.add_style_tag(content=_NO_MARGIN_BOXES)
        # Every line end keeps its space in the PDF's text (see evaluation.memo.pdf).
        page.evaluate(KEEP_SPACES_SCRIPT)
        page.add_style_tag(content=KEEP_SPACES_CSS)

        def write(tmp: Path) -> None:
            page.pdf(path=str(tmp), format="A4", print_background=True, prefer_css_page_size=True,
                     display_header_footer=True, header_template=_HEADER, footer_template=_FOOTER,
                     margin=PDF_MARGIN, outline=True, tagged=True)
            finish_pdf(tmp, source, lang=page.evaluate("document.documentElement.lang") or "da")

        return write_atomically(target, write)


def screenshot(html_path: str | os.PathLike, png_path: str | os.PathLike, *, width: int = 1280,
               height: int = 900, full_page: bool = False) -> Path:
    """Save a PNG of a document as a browser window of the given size shows it.

    Parameters
    ----------
    html_path : path-like
        The HTML document.
    png_path : path-like
        The PNG to write (``.png``); its folder must exist.  Replaced
        atomically if it exists.
    width, height : int
        The viewport in CSS pixels, from 200 to 4000 (390 x 844 is a phone).
    full_page : bool
        Capture the whole page, not only the first screen.

    Returns
    -------
    Path
        The absolute path of the PNG written.

    Raises
    ------
    BrowserError
        No Chromium or Playwright, or the browser failed.
    ParameterError
        A bad path or viewport size.
    """
    check_number("width", width, 200, 4000, integer=True)
    check_number("height", height, 200, 4000, integer=True)
    if not isinstance(full_page, bool):
        fail("full_page", full_page, "True or False")
    source = _check_document(html_path)
    target = _check_target("png_path", png_path, ".png")
    with _open_page(source, width=int(width), height=int(height)) as page:
        return write_atomically(target, lambda tmp: page.screenshot(path=str(tmp), type="png", full_page=full_page))
