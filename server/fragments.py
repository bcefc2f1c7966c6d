"""HTML fragments repeated many times on a page, built in Python: a Jinja macro call costs about
20 µs, and a page with a hundred facts calls them a thousand times. Every value is escaped."""

from markupsafe import Markup, escape

from geokg.server.render import href, short


def node(uri, labels: dict) -> Markup:
    """A URI as its label, linked where it leads somewhere."""
    target = href(uri)
    text = escape(labels.get(uri) or short(uri))
    return Markup(f'<a href="{escape(target)}">{text}</a>' if target else f"<span>{text}</span>")


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


def source(item: dict, labels: dict) -> Markup:
    """The exact sentences a fact comes from, highlighted, and the article that states them."""
    quotes = "".join(f"<blockquote><mark>{escape(s)}</mark></blockquote>" for s in item.get("sentence") or ())
    return Markup(f'<div class="source">{quotes}<small>Stated in {node(item.get("article"), labels)}</small></div>')


def relation(r: dict, labels: dict) -> Markup:
    """One relation statement as a list item: who, what, whom, when, in what role, and from where."""
    subject = escape(labels.get(r["subject"]) or r["subject"])
    predicate = escape(labels.get(r["relation"]) or short(r["relation"]))
    objects = ", ".join(escape(labels.get(o) or o) for o in r["object"])
    parts = [f'<li>\n  <a class="fact-link" href="{escape(href(r["uri"]) or "")}">{subject} · {predicate} · {objects}'
             f'</a>\n  {when(r)}']
    if r.get("role"):
        parts.append(f'<span class="role">as {escape(r["role"])}</span>')
    if r.get("status"):
        parts.append(f'<span class="status">{escape(r["status"])}</span>')
    sources = r.get("sources", 1)
    parts.append(f'<span class="sources">{sources} source{"" if sources == 1 else "s"}</span>\n  '
                 f'{source(r, labels)}\n</li>')
    return Markup("\n  ".join(parts))


def install(app) -> None:
    app.jinja_env.globals.update(node=node, when=when, source=source, relation=relation)
