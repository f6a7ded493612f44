"""Rich text written by bureau staff: sanitising it for parents and reducing it to plain text.

Policy documents are edited in a rich-text editor (or pasted from office software) and shown to
parents on public pages, so every piece of stored HTML goes through :func:`sanitize_html` first.
The safelist covers what a policy text needs (paragraphs, headings, lists, quotes, tables, links)
and nothing that can run code, load resources or restyle the page.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

#: Tags kept as markup. Everything else is dropped with its text kept, except CONTENT_DROPPED_TAGS.
ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "b", "em", "i", "u", "s", "sub", "sup", "h2", "h3", "h4",
    "ul", "ol", "li", "blockquote",
    "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    "a",
})

#: Tags removed together with everything inside them: code, styles, embedded documents and
#: form controls, whose "text" is never something a parent should read.
CONTENT_DROPPED_TAGS = frozenset({
    "script", "style", "template", "noscript", "iframe", "frame", "frameset", "noframes",
    "object", "embed", "applet", "svg", "math", "textarea", "select", "title", "xmp", "noembed",
})

ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}

URL_SCHEMES = frozenset({"http", "https", "mailto"})
LINK_REL = "noopener noreferrer"

_SPAN_ATTRIBUTES = frozenset({"colspan", "rowspan"})
_SPAN_VALUE = re.compile(r"[1-9][0-9]{0,2}")


def _filter_attribute(tag: str, attribute: str, value: str) -> str | None:
    """Keep ``colspan``/``rowspan`` only as a plain number from 1 to 999; pass the rest through.

    A huge or non-numeric span cannot run code but can break the page layout.
    """
    if attribute in _SPAN_ATTRIBUTES:
        value = value.strip()
        return value if _SPAN_VALUE.fullmatch(value) else None
    return value


_CLEANER = nh3.Cleaner(
    tags=set(ALLOWED_TAGS),
    clean_content_tags=set(CONTENT_DROPPED_TAGS),
    attributes={tag: set(names) for tag, names in ALLOWED_ATTRIBUTES.items()},
    attribute_filter=_filter_attribute,
    strip_comments=True,
    link_rel=LINK_REL,
    url_schemes=set(URL_SCHEMES),
)


def sanitize_html(html: str) -> str:
    """The HTML of a policy text reduced to the safelist, fit to be shown to parents as is.

    Kept: the tags of :data:`ALLOWED_TAGS`; ``href``/``title`` on links, ``colspan``/``rowspan``
    (numbers only) on table cells. Links may point to ``http``, ``https``, ``mailto`` or to a
    relative or fragment URL; any other scheme (``javascript:``, ``data:``, ``vbscript:`` ...,
    however spelled or entity-encoded) loses its ``href``. Every link gets
    ``rel="noopener noreferrer"``.

    Removed: every other tag (its text is kept), the tags of :data:`CONTENT_DROPPED_TAGS` with
    their content, all other attributes (``style``, ``class``, ``id``, ``on*`` event handlers),
    and comments.

    Decisions:

    * No ``img``: pictures in a policy text belong in attachments, and allowing them would mean
      validating sources (no ``data:``, no tracking pixels from other sites).
    * No ``span`` (nor ``div``): without ``style`` or ``class`` a span carries nothing, and
      text pasted from office software is full of them; their text is kept. Text in adjacent
      ``div`` blocks therefore runs together, so the editor must produce ``<p>`` paragraphs.
    * No ``h1``: the page title is the document's ``h1``; a pasted ``h1`` keeps only its text,
      editors offer ``h2`` to ``h4``.

    The result is idempotent: ``sanitize_html(sanitize_html(x)) == sanitize_html(x)``.

    :param html: untrusted HTML fragment, e.g. the editor's output.
    :returns: the sanitised fragment (``""`` for empty input).
    """
    if not html:
        return ""
    return _CLEANER.clean(html)


def _shift_headings(state) -> None:
    """``#`` is a section heading (``h2``), ``##`` ``h3``, deeper ones ``h4``: the page's ``h1`` is
    the document's title, so a text's own headings start one level below it."""
    for token in state.tokens:
        if token.type in ("heading_open", "heading_close"):
            token.tag = f"h{min(int(token.tag[1]) + 1, 4)}"


#: CommonMark with tables and ~~strikethrough~~; a single newline is a line break (text pasted from
#: office software keeps its lines); an indented line is a paragraph, not code (paragraphs of policy
#: texts are often indented); inline HTML is allowed, then sanitized like any HTML.
_MARKDOWN = MarkdownIt("commonmark", {"breaks": True, "html": True}).enable(["table", "strikethrough"]).disable("code")
_MARKDOWN.core.ruler.push("shift_headings", _shift_headings)


def markdown_to_html(text: str) -> str:
    """A text written in Markdown as sanitized HTML (:func:`sanitize_html`), fit to be shown to parents.

    Paragraphs are separated by a blank line, a single newline is a line break; ``#`` to ``###``
    are headings (``h2`` to ``h4``), ``-``/``1.`` lists, ``>`` quotes, ``|`` tables, ``**bold**``,
    ``[text](https://…)`` links. HTML written among the Markdown is kept as far as the safelist
    allows; everything else (scripts, event handlers, images, styles) is removed.

    :param text: the Markdown source, untrusted.
    :returns: the sanitized fragment (``""`` for empty input).
    """
    if not (text or "").strip():
        return ""
    return sanitize_html(_MARKDOWN.render(text))


#: Elements whose boundaries separate lines of text; table cells are separated by a space.
_BLOCK_TAGS = frozenset({
    "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "li", "dl", "dt", "dd",
    "blockquote", "pre", "hr", "table", "caption", "thead", "tbody", "tfoot", "tr",
    "section", "article", "header", "footer", "aside", "nav", "figure", "figcaption", "address",
})
_CELL_TAGS = frozenset({"td", "th"})
_SKIPPED_TAGS = frozenset({"script", "style", "template"})
_WHITESPACE = re.compile(r"\s+")


class _TextExtractor(HTMLParser):
    """Collects visible text, marking line breaks at block boundaries with ``"\\n"``."""

    def __init__(self, cell_separator: str = " ") -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self._skipping = 0
        self._cell_separator = cell_separator

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _SKIPPED_TAGS:
            self._skipping += 1
        self.links.extend(value for name, value in attrs if name == "href" and value)
        self._boundary(tag)

    def handle_startendtag(self, tag: str, attrs) -> None:
        self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED_TAGS and self._skipping:
            self._skipping -= 1
        self._boundary(tag)

    def handle_data(self, data: str) -> None:
        if not self._skipping:
            # Line breaks in the source are whitespace like any other; only markup ends a line.
            self.parts.append(_WHITESPACE.sub(" ", data))

    def _boundary(self, tag: str) -> None:
        if tag in _BLOCK_TAGS or tag == "br":
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            self.parts.append(self._cell_separator)


def html_to_text(html: str) -> str:
    """The text a parent sees in ``html``, for the search index and plain-text summaries.

    The HTML is sanitised first, so dropped content (scripts, form controls) never reaches the
    index. Block elements and ``<br>`` end a line, table cells are separated by a space, runs of
    whitespace (including ``&nbsp;`` and the ideographic space) become one space, entities are
    decoded and empty lines are dropped.

    :param html: HTML fragment, sanitised or not.
    :returns: lines of text joined by ``"\\n"``, without leading or trailing whitespace.
    """
    return _extract(html).text


@dataclass(frozen=True)
class Extracted:
    text: str
    links: list[str]  # the targets of links (href), in document order


def _extract(html: str, cell_separator: str = " ") -> Extracted:
    extractor = _TextExtractor(cell_separator)
    extractor.feed(sanitize_html(html))
    extractor.close()
    lines = (" ".join(line.split()) for line in "".join(extractor.parts).split("\n"))
    return Extracted("\n".join(line for line in lines if line), extractor.links)


def published_text(html: str) -> Extracted:
    """What the public can read in ``html``: its text as :func:`html_to_text` gives it, but with
    table cells parted by `` | `` (two numbers in neighbouring cells are not one number), and the
    targets of its links (a ``mailto:`` or ``tel:`` address is published too)."""
    return _extract(html, " | ")


class _MarkupCounter(HTMLParser):
    """Counts start tags and the attributes set on them; comments and text are ignored."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.items: Counter[str] = Counter()

    def handle_starttag(self, tag: str, attrs) -> None:
        self.items[tag] += 1
        for name, _value in attrs:
            self.items[f"{tag}[{name}]"] += 1


#: Differences the sanitiser makes on perfectly safe input, not worth telling the editor about.
_COSMETIC = frozenset({"a[rel]"})


def removed_items(original: str, cleaned: str) -> list[str]:
    """The tags and attributes present in ``original`` but missing from ``cleaned``.

    Items are spelled ``"script"`` for a tag and ``"img[onerror]"`` for an attribute on a tag,
    sorted. Differences of spelling (quotes, entities, ``<br/>``, upper case), markup the
    parser adds (``tbody``), comments and the rewritten ``rel`` of links are not counted.

    :param original: the HTML as submitted.
    :param cleaned: ``sanitize_html(original)``.
    """
    counts = []
    for html in (original, cleaned):
        counter = _MarkupCounter()
        counter.feed(html or "")
        counter.close()
        counts.append(counter.items)
    missing = counts[0] - counts[1]
    return sorted(item for item in missing if item not in _COSMETIC)


def removed_markup(original: str, cleaned: str) -> bool:
    """Whether sanitising dropped any tag or attribute, so the editor can be told that unsafe
    or unsupported content was removed ("不安全的内容已被移除").

    :param original: the HTML as submitted.
    :param cleaned: ``sanitize_html(original)``.
    """
    return bool(removed_items(original, cleaned))
