"""Article text: the HTML an editor may write (sanitised with nh3's allow-list) and its plain text,
which the search indexes and snippets are cut from."""

from __future__ import annotations

import html
import re

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "s",
    "ul",
    "ol",
    "li",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "a",
    "code",
    "pre",
    "hr",
    "span",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
BLOCK_END = re.compile(r"</(p|li|h[2-4]|tr|blockquote|pre|table|ul|ol)>|<br\s*/?>|<hr\s*/?>", re.I)
TAG = re.compile(r"<[^>]+>")
SPACES = re.compile(r"[ \t\r\f\v]+")
LINES = re.compile(r"\n\s*\n+")


def sanitise(body: str) -> str:
    """Keep only the allowed tags and attributes; links get ``rel="noopener noreferrer"``."""
    return nh3.clean(
        body or "",
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
    )


def plain_text(body: str) -> str:
    """The words of sanitised HTML, one line per block."""
    text = BLOCK_END.sub("\n", body or "")
    text = html.unescape(TAG.sub("", text))
    text = SPACES.sub(" ", text)
    return LINES.sub("\n", text).strip()
