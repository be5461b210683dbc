"""Activity as a person reads it on a page: each entry's sentence and lines, tags stripped."""

import html as entities
import re

ENTRY = re.compile(
    r'<li class="timeline-item" data-verb="[^"]*">(.*?)</li>\s*(?=<li class="timeline-item"|</ol>)',
    re.S,
)


def words(fragment: str) -> str:
    """The text of an HTML fragment as it reads: no tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def sentence(fragment: str) -> str:
    # Tags inside a sentence (links, badges) take no space: "Acme Builders' manager".
    return re.sub(r"\s+", " ", entities.unescape(re.sub(r"<[^>]+>", "", fragment))).strip()


def entries(page: str) -> list[str]:
    """Each entry of the activity list, newest first: its sentence, then its detail lines."""
    found = []
    for item in ENTRY.findall(page):
        text = re.search(r'<p class="timeline-text">(.*?)</p>', item, re.S)
        lines = re.findall(r"<li>(.*?)</li>", item, re.S)
        found.append(" | ".join([sentence(text.group(1)), *(sentence(x) for x in lines)]))
    return found


def links(page: str) -> dict[str, str]:
    """The links inside the activity sentences: {text: href}."""
    found = {}
    for text in re.findall(r'<p class="timeline-text">(.*?)</p>', page, re.S):
        for href, label in re.findall(r'<a [^>]*?href="([^"]+)"[^>]*>(.*?)</a>', text):
            found[entities.unescape(label)] = href
    return found
