"""HTML fragments repeated many times on a page, built in Python: a Jinja macro call costs about
20 µs, and a page with a hundred facts calls them a thousand times. Every value is escaped (with
html.escape, quotes included, into plain strings: one Markup per fragment, not one per value)."""

import re
from html import escape

from markupsafe import Markup

from geokg.server.render import short

XSD = "http://www.w3.org/2001/XMLSchema#"
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")


class Fragments:
    """The fragment builders of one app, linking with its ``href`` (URI -> path, or None for no link)."""

    def __init__(self, href):
        self.href = href

    def node(self, uri, labels: dict) -> Markup:
        """A URI as its label, linked where it leads somewhere."""
        target = self.href(uri)
        text = escape(labels.get(uri) or short(uri))
        return Markup(f'<a href="{escape(target)}">{text}</a>' if target else f"<span>{text}</span>")

    @staticmethod
    def when(item: dict, page: str | None = None) -> Markup:
        """A fact's date or time span, and its time as the article wrote it; a fact with no date is marked
        undated, with the date of the article it is known from."""
        out = ""
        date, start, end = item.get("date"), item.get("start"), item.get("end")
        if date or start or end:
            span = f"{escape(start or '…')} – {escape(end or '…')}" if start or end else ""
            out = f"<time>{escape(date or '')}{span}</time>"
        else:
            out = '<span class="undated">undated</span>'
        if item.get("time"):
            out += f' <span class="as-written">“{escape(item["time"])}”</span>'
        dated = _dated_by_article(item, page)
        return Markup(f"{out} {dated}" if dated else out)

    def source(self, item: dict, labels: dict, page: str | None = None) -> Markup:
        """The exact sentences a fact comes from, highlighted, and the article that states them, unless the
        page is that article's own."""
        quotes = "".join(f"<blockquote><mark>{escape(s)}</mark></blockquote>" for s in item.get("sentence") or ())
        stated = "" if item.get("article") == page else \
            f'<small>Stated in {self.node(item.get("article"), labels)}</small>'
        return Markup(f'<div class="source">{quotes}{stated}</div>')

    def value(self, p: dict, labels: dict) -> Markup:
        """A property's value as a reader says it: a linked label, yes or no, a date, or the text."""
        if p["isIri"]:
            return self.node(p["value"], labels)
        value, datatype = p["value"], p.get("datatype") or ""
        if datatype == XSD + "boolean":
            return Markup("yes" if value in ("true", "1") else "no")
        if datatype in (XSD + "date", XSD + "gYear", XSD + "gYearMonth", XSD + "dateTime"):
            return Markup(f'<time datetime="{escape(value)}">{escape(readable_date(value))}</time>')
        if datatype and not datatype.startswith((XSD, "http://www.w3.org/1999/02/22-rdf-syntax-ns#")):
            return Markup(f"{escape(value)} <small>({escape(labels.get(datatype) or short(datatype))})</small>")
        return Markup(escape(value))

    def relation(self, r: dict, labels: dict, page: str | None = None) -> Markup:
        """One relation statement as a list item: who, what, whom, when, in what role, and from where."""
        subject = escape(labels.get(r["subject"]) or r["subject"])
        predicate = escape(labels.get(r["relation"]) or short(r["relation"]))
        objects = ", ".join(escape(labels.get(o) or o) for o in r["object"])
        parts = [f'<li>\n  <a class="fact-link" href="{escape(self.href(r["uri"]) or "")}">{subject} · {predicate} · '
                 f'{objects}</a>\n  {self.when(r, page)}']
        if r.get("role"):
            parts.append(f'<span class="role">as {escape(r["role"])}</span>')
        if r.get("status"):
            parts.append(f'<span class="status">{escape(r["status"])}</span>')
        sources = r.get("sources", 1)
        parts.append(f'<span class="sources">{sources} source{"" if sources == 1 else "s"}</span>\n  '
                     f'{self.source(r, labels, page)}\n</li>')
        return Markup("\n  ".join(parts))

    def event(self, e: dict, labels: dict, page: str | None = None) -> Markup:
        """One event as a list item: when, what, with whom, where, and from where."""
        who = ", ".join(self.node(p, labels) for p in e["participant"])
        place = f'\n  <span class="place">at {self.node(e["place"], labels)}</span>' if e.get("place") else ""
        return Markup(f'<li>\n  {self.when(e, page)} <a href="{escape(self.href(e["uri"]) or "")}">{escape(e["label"])}'
                      f'</a>\n  <span class="participants">with {who}</span>{place}\n  {self.source(e, labels, page)}\n</li>')

    def claim(self, c: dict, labels: dict, page: str | None = None) -> Markup:
        """One claim as a list item: what was claimed, by whom, through which channel, how hedged."""
        content = escape(c["content"])
        if c.get("quote") == "true":
            content = f"“{content}”"
        who = ", ".join(self.node(a, labels) for a in c["claimant"]) + "".join(escape(w) for w in c["who"])
        parts = [f'<li>\n  <a href="{escape(self.href(c["uri"]) or "")}">{content}</a>',
                 f'<span class="claimant">— {who or "the article itself"}</span>']
        if c.get("channel"):
            parts.append(f'<span class="channel">via {self.node(c["channel"], labels)}</span>')
        elif c.get("channelName"):
            parts.append(f'<span class="channel">via {escape(c["channelName"])}</span>')
        if c.get("hedge"):
            parts.append(f'<span class="hedge">{escape(c["hedge"])}</span>')
        dated = _dated_by_article(c, page)
        if dated:
            parts.append(dated)
        parts.append(f"{self.source(c, labels, page)}\n</li>")
        return Markup("\n  ".join(parts))


def _dated_by_article(item: dict, page: str | None) -> str:
    """Where an undated fact's date comes from, except on its own article's page, which shows that date."""
    if not item.get("articleDate") or item.get("article") == page:
        return ""
    return f'<small class="article-date">dated by its article, <time>{escape(item["articleDate"])}</time></small>'


def readable_date(value: str) -> str:
    """An ISO date, year-month or year as words: "23 September 2017", "September 2017", "2012"."""
    found = _DATE.match(value)
    if not found:
        return value
    year, month, day = found.groups()
    if not month or not 1 <= int(month) <= 12:
        return year
    words = f"{MONTHS[int(month) - 1]} {year}"
    return f"{int(day)} {words}" if day else words


def _sentence_pattern(sentence: str):
    """A sentence as a pattern that also matches the article text where its spaces and line breaks differ,
    within one paragraph (no blank line between its words)."""
    words = sentence.split()
    return re.compile(r"(?:[^\S\n]+\n?[^\S\n]*|\n[^\S\n]*)".join(map(re.escape, words))) if words else None


def marked_body(body: str, facts: list[tuple[str, str, list[str]]], href) -> Markup:
    """The article text in paragraphs, each sentence a fact was read from marked and linked to that fact
    (and to the further facts read from it). ``facts`` are (uri, title, sentences). Everything from the
    text is escaped; the marks are the only markup."""
    by_sentence: dict[str, list[tuple[str, str]]] = {}
    for uri, title, sentences in facts:
        for sentence in sentences:
            if sentence.strip():
                by_sentence.setdefault(sentence, []).append((uri, title))
    spans = []
    for sentence, linked in by_sentence.items():
        pattern = _sentence_pattern(sentence)
        found = pattern.search(body) if pattern else None
        if found:
            spans.append((found.start(), found.end(), linked))
    spans.sort(key=lambda span: (span[0], -span[1]))
    kept, reached = [], 0
    for start, end, linked in spans:
        if start >= reached:
            kept.append((start, end, linked))
            reached = end
    out, position = [], 0
    for start, end, linked in kept:
        out.append(escape(body[position:start]))
        (first, title), more = linked[0], linked[1:]
        target = escape(href(first) or "")
        out.append(f'<mark class="extracted"><a href="{target}" title="{escape(title)}">{escape(body[start:end])}</a>'
                   "</mark>")
        if more:
            out.append('<sup class="more-facts">' + " ".join(
                f'<a href="{escape(href(uri) or "")}" title="{escape(title)}">{n}</a>'
                for n, (uri, title) in enumerate(linked, 1) if n > 1) + "</sup>")
        position = end
    out.append(escape(body[position:]))
    # Paragraphs are split after marking, so a mark never spans two of them: the sentences are single ones.
    text = "".join(out)
    return Markup("".join(f"<p>{para}</p>" for para in text.split("\n\n")))


def install(app, href) -> None:
    built = Fragments(href)
    app.jinja_env.globals.update(node=built.node, relation=built.relation, event=built.event, claim=built.claim,
                                 value=built.value, marked_body=lambda body, facts: marked_body(body, facts, href))
