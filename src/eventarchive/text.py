"""HTML ► plain text, the one way every source does it: what `items.text` holds and search
indexes. Blocks are a blank line apart, ``<br>`` and list items a line; scripts and styles go."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

BLOCKS = ("p", "div", "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol")
HIDDEN = ("script", "style", "template", "noscript", "iframe")


def html_to_text(html: str | None) -> str:
    if not html:
        return ""
    return soup_to_text(BeautifulSoup(html, "html.parser"))


def soup_to_text(soup) -> str:
    """The same for parsed HTML (changes ``soup``)."""
    for hidden in soup.find_all(HIDDEN):
        hidden.decompose()
    for gap in soup.find_all(string=re.compile(r"^\s+$")):
        if gap.parent is not None and gap.parent.name in ("ul", "ol"):
            gap.extract()
    for br in soup.find_all("br"):
        br.replace_with("\n")
    for block in soup.find_all(BLOCKS):
        block.insert_before("\n\n")
        block.insert_after("\n\n")
    for li in soup.find_all("li"):
        li.insert_after("\n")
    lines = (re.sub(r"[ \t\r\f\v]+", " ", line).strip() for line in soup.get_text().split("\n"))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()
