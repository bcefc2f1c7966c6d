"""HTML fragments repeated many times on a page, built in Python: a Jinja macro call costs about
20 µs, and a page with a hundred facts calls them a thousand times. Every value is escaped (with
html.escape, quotes included, into plain strings: one Markup per fragment, not one per value)."""

from html import escape

from markupsafe import Markup

from geokg.server.render import short


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
    def when(item: dict) -> Markup:
        """A fact's date or time span, and its time as the article wrote it."""
        out = ""
        date, start, end = item.get("date"), item.get("start"), item.get("end")
        if date or start or end:
            span = f"{escape(start or '…')} – {escape(end or '…')}" if start or end else ""
            out = f"<time>{escape(date or '')}{span}</time>"
        if item.get("time"):
            out += f' <span class="as-written">“{escape(item["time"])}”</span>'
        return Markup(out)

    def source(self, item: dict, labels: dict) -> Markup:
        """The exact sentences a fact comes from, highlighted, and the article that states them."""
        quotes = "".join(f"<blockquote><mark>{escape(s)}</mark></blockquote>" for s in item.get("sentence") or ())
        return Markup(f'<div class="source">{quotes}<small>Stated in {self.node(item.get("article"), labels)}'
                      "</small></div>")

    def relation(self, r: dict, labels: dict) -> Markup:
        """One relation statement as a list item: who, what, whom, when, in what role, and from where."""
        subject = escape(labels.get(r["subject"]) or r["subject"])
        predicate = escape(labels.get(r["relation"]) or short(r["relation"]))
        objects = ", ".join(escape(labels.get(o) or o) for o in r["object"])
        parts = [f'<li>\n  <a class="fact-link" href="{escape(self.href(r["uri"]) or "")}">{subject} · {predicate} · '
                 f'{objects}</a>\n  {self.when(r)}']
        if r.get("role"):
            parts.append(f'<span class="role">as {escape(r["role"])}</span>')
        if r.get("status"):
            parts.append(f'<span class="status">{escape(r["status"])}</span>')
        sources = r.get("sources", 1)
        parts.append(f'<span class="sources">{sources} source{"" if sources == 1 else "s"}</span>\n  '
                     f'{self.source(r, labels)}\n</li>')
        return Markup("\n  ".join(parts))

    def event(self, e: dict, labels: dict) -> Markup:
        """One event as a list item: when, what, with whom, where, and from where."""
        who = ", ".join(self.node(p, labels) for p in e["participant"])
        place = f'\n  <span class="place">at {self.node(e["place"], labels)}</span>' if e.get("place") else ""
        return Markup(f'<li>\n  {self.when(e)} <a href="{escape(self.href(e["uri"]) or "")}">{escape(e["label"])}'
                      f'</a>\n  <span class="participants">with {who}</span>{place}\n  {self.source(e, labels)}\n</li>')

    def claim(self, c: dict, labels: dict) -> Markup:
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
        parts.append(f"{self.source(c, labels)}\n</li>")
        return Markup("\n  ".join(parts))


def install(app, href) -> None:
    built = Fragments(href)
    app.jinja_env.globals.update(node=built.node, relation=built.relation, event=built.event, claim=built.claim)
