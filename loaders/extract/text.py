"""Article text: bytes to text, the optional header, and sentences with their character offsets."""

import datetime as dt
import html.parser
import re
import urllib.parse
from dataclasses import dataclass, field

from geokg.loaders.errors import LoadError, Problem
from geokg.loaders.extract.timex import MONTHS, parse_published


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
    published_from: str | None = None  # "header", "url" or "page" (an HTML page's metadata), where known


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
        self.meta = {}

    def handle_starttag(self, tag, attrs):
        values = {k.lower(): v or "" for k, v in attrs}
        if tag == "meta" and values.get("content"):
            key = (values.get("property") or values.get("name") or values.get("itemprop") or "").lower()
            self.meta.setdefault(key, values["content"].strip())
        if tag == "link" and "canonical" in values.get("rel", "").lower().split() and values.get("href"):
            self.meta.setdefault("canonical", values["href"].strip())
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
    title, text, _ = _read_html(markup)
    return title, text


_PAGE_URL = ("og:url", "canonical", "twitter:url")
_PAGE_DATE = ("article:published_time", "og:published_time", "datepublished", "date", "pubdate", "publishdate",
              "dc.date.issued", "dc.date", "sailthru.date", "parsely-pub-date")


def _read_html(markup: str) -> tuple[str | None, str, dict]:
    """The title, the visible text, and the page's URL and publication date from its metadata."""
    parser = _TextParser()
    parser.feed(markup)
    parser.close()
    text = "".join(parser.parts)
    text = re.sub(r"[ \t]*\n[ \t]*", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip()
    title = re.sub(r"\s+", " ", parser.title).strip() or None
    page = {"source": next((parser.meta[k] for k in _PAGE_URL if parser.meta.get(k)), None),
            "published": next((parser.meta[k] for k in _PAGE_DATE if parse_published(parser.meta.get(k))), None)}
    return title, text, page


_URL = re.compile(r"(?:https?://|www\.)\S+", re.I)
_URL_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
# /2023/05/14/, /2022/9/16/, /2023/may/13/, /2023/Sep/19/: year, month and day as path segments.
_URL_SEGMENTS = re.compile(rf"/((?:19|20)\d\d)/(\d{{1,2}}|{_URL_MONTH})/(\d{{1,2}})(?=[/_.-]|$)", re.I)
# 2023-05-14, 2023_05_14 or 2023.05.14 anywhere in the path or query.
_URL_SEPARATED = re.compile(r"(?<![\d])((?:19|20)\d\d)([-_.])(\d\d)\2(\d\d)(?!\d)")
# A run of digits that starts with a date: 20230514, or a timestamp such as 20220320092624 (…hhmmss…).
_URL_DIGITS = re.compile(r"(?<!\d)((?:19|20)\d\d)(\d\d)(\d\d)(\d*)(?!\d)")
# /2016/03/ in the path together with an id that starts 160311… (yymmdd) in the same month.
_URL_YEAR_MONTH = re.compile(r"/((?:19|20)\d\d)/(\d\d)(?=/)")
_URL_YYMMDD = re.compile(r"(?<!\d)(\d\d)(\d\d)(\d\d)\d*(?!\d)")


def _plausible(year: int, month: int, day: int) -> dt.date | None:
    try:
        date = dt.date(year, month, day)
    except ValueError:
        return None
    return date if 1990 <= year <= dt.date.today().year + 1 else None


def date_from_url(url: str | None) -> dt.date | None:
    """The publication date that many news URLs carry in their path: /2023/05/14/, /2023/may/14/,
    2023-05-14, 20230514 (also at the start of a longer timestamp), or /2016/03/ with an id that begins 160311."""
    if not url:
        return None
    found = _URL.search(url)
    if not found:
        return None
    parts = urllib.parse.urlsplit(found.group(0) if "://" in found.group(0) else "http://" + found.group(0))
    path = urllib.parse.unquote(parts.path) + ("?" + urllib.parse.unquote(parts.query) if parts.query else "")
    for m in _URL_SEGMENTS.finditer(path):
        year, month, day = m.groups()
        month = int(month) if month.isdigit() else MONTHS.get(month.lower())
        date = month and _plausible(int(year), month, int(day))
        if date:
            return date
    for m in _URL_SEPARATED.finditer(path):
        date = _plausible(int(m.group(1)), int(m.group(3)), int(m.group(4)))
        if date:
            return date
    for m in _URL_DIGITS.finditer(path):
        year, month, day, rest = m.groups()
        # Exactly a date, or a date followed by a time of day (hhmm...).
        if rest and not (len(rest) >= 4 and int(rest[:2]) < 24 and int(rest[2:4]) < 60):
            continue
        date = _plausible(int(year), int(month), int(day))
        if date:
            return date
    for m in _URL_YEAR_MONTH.finditer(path):
        year, month = m.groups()
        for n in _URL_YYMMDD.finditer(path, m.end()):
            if n.group(1) == year[2:] and n.group(2) == month:
                date = _plausible(int(year), int(month), int(n.group(3)))
                if date:
                    return date
    return None


_HEADER = re.compile(r"^(source|published|date|by|author)\s*:\s*(.*)$", re.IGNORECASE)


def read_article(text: str, name: str, is_html: bool = False) -> Article:
    """Split an article into its optional header (title, Source:, Published: lines) and its body."""
    title, page = None, {}
    if is_html or re.match(r"\s*(<!doctype html|<html)", text, re.IGNORECASE):
        title, text, page = _read_html(text)
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
    article = Article(name, body.strip("\n"), title=title, source=fields.get("source") or page.get("source"),
                      published_text=fields.get("published") or fields.get("date"))
    if parse_published(article.published_text):
        article.published_from = "header"
    elif page.get("published"):
        article.published_text, article.published_from = page["published"], "page"
    else:
        # No usable Published: line (none, or "unknown"): many news URLs carry the date.
        from_url = date_from_url(article.source)
        if from_url:
            article.published_text, article.published_from = from_url.isoformat(), "url"
    article.sentences = split_sentences(article.body)
    return article


# A line that only credits a picture, a wire or the staff ("Photograph: A. Name/AP", "REUTERS/A. Name",
# "[AFP]", "Reporting by A. Name") or is page furniture ("3 min read") is not a sentence of the story: the
# names in it took the picture or wrote the report, and must never become actors.
_CREDIT_LINE = re.compile(
    r"^\(?\s*(?:file |handout )?(?:photo(?:graph)?s?|pictures?|images?|credits?|photo credit)\s*(?:by\b|:)"
    r"|^\[[^\]]{1,40}\]$"
    r"|^\(?\s*(?:\(?(?:additional )?(?:reporting|editing|writing|compiled|produced) by\b|[^()]*/[^()]*\)$)"
    r"|^\[?\s*click to enlarge|^agencies contributed|^\d+ min read$", re.I)
# "Carlos Vega/AP", "REUTERS/Carlos Vega", "C. Vega/AFP via Getty Images": capitalised words either side of
# the slash and nothing else ("Norway/Ghana talks resumed." is a sentence).
_SLASH_CREDIT = re.compile(r"^[\[(]?[A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,4} ?/ ?[A-Z][\w.&'’-]*"
                           r"(?: (?:via|for|[A-Z][\w.&'’-]*)){0,5}[\])]?$")
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
        if text and not _CREDIT_LINE.search(text) and not _SLASH_CREDIT.match(text):
            sentences.append(Sentence(len(sentences), start, end, text))
    return sentences
