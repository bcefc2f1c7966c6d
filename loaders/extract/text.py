"""Article text: bytes to text, the optional header, and sentences with their character offsets."""

import html.parser
import re
from dataclasses import dataclass, field

from geokg.loaders.errors import LoadError, Problem


@dataclass
class Sentence:
    """One sentence: offsets into the article body, and its text with whitespace collapsed."""

    index: int
    start: int
    end: int
    text: str


@dataclass
class Article:
    """An article's parts as the extractor needs them."""

    name: str
    body: str
    title: str | None = None
    source: str | None = None
    published_text: str | None = None
    sentences: list[Sentence] = field(default_factory=list)


def decode(data: bytes, name: str) -> str:
    """Text from bytes; binary data is refused with a message naming the file."""
    if b"\x00" in data[:65536]:
        raise LoadError([Problem(name, "looks like a binary file (it contains NUL bytes), not an article")])
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        text = data.decode("latin-1")
    controls = sum(1 for ch in text[:65536] if ord(ch) < 32 and ch not in "\n\r\t\f")
    if text and controls > 0.01 * min(len(text), 65536):
        raise LoadError([Problem(name, "looks like a binary file (too many control characters), not an article")])
    return text.replace("\r\n", "\n").replace("\r", "\n")


class _TextParser(html.parser.HTMLParser):
    """Visible text of an HTML page, with block elements as paragraph breaks."""

    BLOCK = {"p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "section", "article",
             "header", "footer", "blockquote", "figcaption", "title", "ul", "ol", "table"}
    SKIP = {"script", "style", "noscript", "template", "svg", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts, self.skip, self.title, self.in_title = [], 0, "", False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP and tag != "head":
            self.skip += 1
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP and tag != "head" and self.skip:
            self.skip -= 1
        if tag in self.BLOCK:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self.in_title:
            self.title += data
        elif not self.skip:
            self.parts.append(re.sub(r"\s+", " ", data))


def html_to_text(markup: str) -> tuple[str | None, str]:
    """The title and the visible text of an HTML document."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = re.sub(r"\s+", " ", parser.title).strip() or None
    return title, text


_HEADER = re.compile(r"^(source|published|date|by|author)\s*:\s*(.*)$", re.IGNORECASE)


def read_article(text: str, name: str, is_html: bool = False) -> Article:
    """Split an article into its optional header (title, Source:, Published: lines) and its body."""
    title = None
    if is_html or re.match(r"\s*(<!doctype html|<html)", text, re.IGNORECASE):
        title, text = html_to_text(text)
    lines = text.split("\n")
    fields, first_body = {}, 0
    for i, line in enumerate(lines[:6]):
        match = _HEADER.match(line.strip())
        if match:
            fields[match.group(1).lower()] = match.group(2).strip()
            first_body = i + 1
    if fields and first_body > 1 and not title:
        title = lines[0].strip() or None
    body = "\n".join(lines[first_body:]) if fields else text
    article = Article(name, body.strip("\n"), title=title, source=fields.get("source"),
                      published_text=fields.get("published") or fields.get("date"))
    article.sentences = split_sentences(article.body)
    return article


_TERMINAL = re.compile(r"[.!?:\"”’)\]]\s*$")
# A line that ends like this is wrapped mid-sentence, however short it is.
_CONTINUES = re.compile(r"(?:,|\b(?:the|a|an|and|or|of|to|in|on|at|by|for|with|from|as|that|its|their|his|her))$", re.I)
_ABBREV = re.compile(
    r"(?:\b(?:Mr|Mrs|Ms|Dr|Prof|Gen|Lt|Col|Capt|Sgt|Rep|Sen|Gov|St|Jr|Sr|Inc|Ltd|Co|Corp|No|vs|etc|"
    r"Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)|\b[A-Z]|\b(?:[A-Z]\.)+[A-Z])\.$")
_SPLIT = re.compile(r"[.!?][\"”’')\]]*(?=\s+[\"“‘'(\[]?[A-Z0-9])")


def _blocks(body: str):
    """Runs of text that belong together: paragraphs, with soft line wraps joined and headings apart."""
    start, prev_end = None, 0
    pos = 0
    for line in body.split("\n"):
        line_start, line_end = pos, pos + len(line)
        pos = line_end + 1
        stripped = line.strip()
        if not stripped:
            if start is not None:
                yield start, prev_end
                start = None
            continue
        if start is None:
            start = line_start
        prev_end = line_end
        # A line that ends a sentence, or a short line without punctuation (a heading, a dateline),
        # closes its block; a long line without punctuation is a soft wrap.
        if _TERMINAL.search(stripped) or (len(stripped) < 40 and not _CONTINUES.search(stripped)):
            yield start, prev_end
            start = None
    if start is not None:
        yield start, prev_end


def _inside_quote(text: str) -> bool:
    """True when a quotation opened in ``text`` is still open: a quoted passage is one sentence."""
    return text.count('"') % 2 == 1 or text.count("“") > text.count("”")


def split_sentences(body: str) -> list[Sentence]:
    """Sentences with offsets into ``body``; whitespace inside each is collapsed in ``text``."""
    out = []
    for block_start, block_end in _blocks(body):
        cut = block_start
        for match in _SPLIT.finditer(body, block_start, block_end):
            end = match.end()
            if _ABBREV.search(body[cut:match.start() + 1]) or _inside_quote(body[block_start:match.start()]):
                continue
            out.append((cut, end))
            cut = end
        if cut < block_end:
            out.append((cut, block_end))
    sentences = []
    for start, end in out:
        while start < end and body[start].isspace():
            start += 1
        text = re.sub(r"\s+", " ", body[start:end]).strip()
        if text:
            sentences.append(Sentence(len(sentences), start, end, text))
    return sentences
