"""URL and link safety: what a document may link to, and what it loads from elsewhere.

A document loads nothing that is not embedded as a ``data:`` URI;
:func:`external_urls` lists whatever would be fetched from another host or
file, :func:`external_links` the links a reader could follow out.
"""
from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from html.parser import HTMLParser
from urllib.parse import quote, urlsplit

from ...checks import fail

__all__ = ["external_urls", "external_links"]


# Schemes that load nothing from a host.  Any other scheme, and a URL that
# starts with // (protocol-relative), counts as external.
_LOCAL_SCHEMES = frozenset({"data", "about", "blob", "javascript"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.\-]*):")
_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
# Attributes that make the browser fetch something on its own.
_RESOURCE_ATTRS = frozenset({"src", "poster", "background", "manifest", "lowsrc", "dynsrc"})
_SRCSET_ATTRS = frozenset({"srcset", "imagesrcset"})
_LINK_TAGS = frozenset({"a", "area"})


# --------------------------------------------------------------------------
# Arguments


def _check_text(name: str, value: object) -> None:
    if not isinstance(value, str) or not value.strip():
        fail(name, value, "a non-empty string")


def _check_href(href: object) -> str:
    """Return ``href`` percent-encoded where needed; it must be relative."""
    if not isinstance(href, str) or not href.strip() or href != href.strip():
        fail("href", href, "a relative path or #fragment without surrounding spaces")
    if href.startswith(("/", "\\")) or urlsplit(href).scheme or any(ord(c) < 32 for c in href):
        fail("href", href, "a relative path (no scheme, host or leading slash), e.g. notebooks/01.ipynb")
    return quote(href, safe="/#?&=%-._~+,;:@!$'()*")


def _check_links(name: str, links: object) -> list[tuple[str, str]]:
    if isinstance(links, (str, bytes)) or not isinstance(links, Iterable):
        fail(name, links, "a sequence of (label, relative href) pairs")
    checked = []
    for pair in links:
        if not (isinstance(pair, Sequence) and not isinstance(pair, str) and len(pair) == 2):
            fail(name, pair, "(label, relative href) pairs")
        label, href = pair
        _check_text("label", label)
        checked.append((label, _check_href(href)))
    return checked


def _check_css(css_extra: object) -> None:
    if not isinstance(css_extra, str):
        fail("css_extra", css_extra, "a string of CSS")
    if "</" in css_extra or "<!--" in css_extra:
        fail("css_extra", css_extra, "CSS without '</' or '<!--'")
    if any(not _is_embedded(url) for url in _css_urls(css_extra)):
        fail("css_extra", css_extra, "CSS whose url() and @import load nothing (data: URIs only)")


# --------------------------------------------------------------------------
# Checks


def _is_external(url: str) -> bool:
    """True if ``url`` would reach another host (or leave the folder by scheme)."""
    url = "".join(c for c in url.strip(" \t\n\r\f\x00") if c not in "\t\n\r")
    if url.startswith(("//", "\\\\", "/\\", "\\/")):
        return True
    match = _SCHEME.match(url)
    return bool(match) and match.group(1).lower() not in _LOCAL_SCHEMES


def _is_embedded(url: str) -> bool:
    """True if ``url`` needs no file and no host: a data: URI or a #fragment."""
    url = url.strip().lower()
    return url.startswith(("data:", "#")) or url in ("", "about:blank")


def _css_urls(css: str) -> list[str]:
    """Return the targets of ``url(...)``, then of ``@import "..."``, in ``css``."""
    found = [a or b or c for a, b, c in _CSS_URL.findall(css)]
    return found + [a or b for a, b in _CSS_IMPORT.findall(css)]


def _srcset_urls(value: str) -> list[str]:
    """Return the URLs of a ``srcset`` (data: URIs hold commas, so split with care)."""
    urls, i, n = [], 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while i < n and value[i] != ",":
                i += 1
        if url:
            urls.append(url)
    return urls


class _UrlScanner(HTMLParser):
    """Collect every URL of a document as a resource load or a plain link."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.resources: list[str] = []
        self.links: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag, attrs):
        refresh = tag == "meta" and (dict(attrs).get("http-equiv") or "").lower() == "refresh"
        for name, value in attrs:
            if value is None:
                continue
            if name in _RESOURCE_ATTRS or (name == "data" and tag == "object"):
                self.resources.append(value)
            elif name in _SRCSET_ATTRS:
                self.resources.extend(_srcset_urls(value))
            elif name in ("href", "xlink:href"):
                (self.links if tag in _LINK_TAGS else self.resources).append(value)
            elif name in ("action", "formaction", "ping"):
                self.links.extend(value.split() if name == "ping" else [value])
            elif name == "style":
                self.resources.extend(_css_urls(value))
            elif name == "content" and refresh:
                _, _, target = value.partition("=")
                self.resources.append(target.strip(" '\""))
        self._in_style = tag == "style"

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag):
        self._in_style = False

    def handle_data(self, data):
        if self._in_style:
            self.resources.extend(_css_urls(data))


def _scan(html_text: str) -> _UrlScanner:
    if not isinstance(html_text, str):
        fail("html_text", type(html_text).__name__, "a string of HTML")
    scanner = _UrlScanner()
    scanner.feed(html_text)
    scanner.close()
    return scanner


def external_urls(html_text: str) -> list[str]:
    """List the URLs in ``html_text`` that would load a resource from another host.

    Looks at ``src``, ``srcset``, ``poster``, ``<object data>``, ``href`` on
    anything but ``<a>``/``<area>`` (stylesheets, icons, SVG images), CSS
    ``url(...)`` and ``@import`` in ``<style>`` and ``style=""``, and meta
    refresh.  External means protocol-relative (``//host``) or any scheme but
    ``data:``, ``about:``, ``blob:`` and ``javascript:``.

    Returns
    -------
    list of str
        The URLs in document order, duplicates kept; empty if none.

    Examples
    --------
    >>> external_urls('<img src="data:image/png;base64,AA=="><script src="//cdn.example/x.js"></script>')
    ['//cdn.example/x.js']
    >>> external_urls('<a href="https://example.org/">plain link</a>')
    []
    """
    return [url for url in _scan(html_text).resources if _is_external(url)]


def external_links(html_text: str) -> list[str]:
    """List the plain links (``<a>``/``<area>`` href, form actions) that point outside the document.

    Outside means what :func:`external_urls` calls external: a host, or a
    scheme such as ``mailto:``.  Following a link loads nothing by itself, but
    a memo that should work offline carries none.

    Returns
    -------
    list of str
        The URLs in document order, duplicates kept; empty if none.

    Examples
    --------
    >>> external_links('<a href="https://example.org/">x</a> <a href="notebooks/01.ipynb">y</a>')
    ['https://example.org/']
    """
    return [url for url in _scan(html_text).links if _is_external(url)]
