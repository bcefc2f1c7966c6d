"""Pictures drawn on the server as SVG: an actor's network and a membership timeline.

Drawn here rather than by a script so that pages stay script-free, print, and work without JavaScript.
Every label is escaped; each drawing has an accessible name, each node and bar a <title> with its full text,
and the network comes with a plain list of its relations, which narrow screens show instead of the drawing.
"""

import functools
import math
from xml.sax.saxutils import escape, quoteattr

COLOURS = {
    "memberOf": "#1f77b4", "joinedAlliance": "#1f77b4", "leftAlliance": "#7f7f7f", "alliedWith": "#2ca02c",
    "hostileTo": "#d62728", "reconciledWith": "#17becf", "mediatesBetween": "#9467bd", "supports": "#ff7f0e",
    "leaderOf": "#8c564b", "headquarteredIn": "#bcbd22",
}
NAMES = {
    "memberOf": "member of", "joinedAlliance": "joined", "leftAlliance": "left", "alliedWith": "allied with",
    "hostileTo": "hostile to", "reconciledWith": "reconciled with", "mediatesBetween": "mediates between",
    "supports": "supports", "leaderOf": "leader of", "headquarteredIn": "headquartered in",
}
SVG = 'xmlns="http://www.w3.org/2000/svg"'


@functools.cache
def symmetric() -> frozenset[str]:
    """The relations the ontology declares symmetric ("allied with"): drawn without arrowheads."""
    from rdflib import OWL, RDF

    from geokg.ontology.files import ontology_graph
    return frozenset(str(p).rsplit("#", 1)[-1] for p in ontology_graph().subjects(RDF.type, OWL.SymmetricProperty))


def _short(text: str, size: int = 22) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


# Advance widths of DejaVu Sans (what system-ui is on the Debian images the tests run), in ems, rounded up,
# so that label boxes are estimated a little wider than drawn rather than narrower.
@functools.lru_cache(maxsize=8192)
def text_width(text: str, size: float) -> float:
    ems = sum(0.33 if c in " ilIjft.,:;'|!()-" else 0.98 if c in "mwMW" else 0.74 if c.isupper() else 0.63
              for c in text)
    return ems * size


LABEL_SIZE, LEGEND_SIZE, LINE = 13, 13, 15
LINE_CHARS = 16


def wrapped(name: str) -> list[str]:
    """A name in at most two lines of about LINE_CHARS characters, broken between words; what does not fit
    ends in "…" (the full name is the node's <title>)."""
    lines, current = [], ""
    for word in name.split():
        candidate = f"{current} {word}".strip()
        if current and len(candidate) > LINE_CHARS:
            lines.append(current)
            current = word
        else:
            current = candidate
    lines.append(current)
    if len(lines) > 2:
        lines = [lines[0], " ".join(lines[1:])]
    return [line if len(line) <= LINE_CHARS + 4 else line[:LINE_CHARS + 2].rstrip() + "…" for line in lines]


class Box:
    def __init__(self, x0, y0, x1, y1):
        self.x0, self.y0, self.x1, self.y1 = x0, y0, x1, y1

    def overlaps(self, other: "Box", gap: float = 3) -> bool:
        return (self.x0 < other.x1 + gap and other.x0 < self.x1 + gap and self.y0 < other.y1 + gap
                and other.y0 < self.y1 + gap)

    def holds(self, point, gap: float = 3) -> bool:
        return self.x0 - gap < point[0] < self.x1 + gap and self.y0 - gap < point[1] < self.y1 + gap

    def near_circle(self, x, y, r, gap: float = 3) -> bool:
        dx, dy = max(self.x0 - x, 0, x - self.x1), max(self.y0 - y, 0, y - self.y1)
        return math.hypot(dx, dy) < r + gap


def _circle_order(center_uri: str, neighbours: list[dict], edges: list[dict]) -> list[dict]:
    """Neighbours in their order around the circle: an actor linked to others (an alliance and its members)
    in the middle of those it is linked to, so that edges between neighbours stay short chords."""
    linked = {n["uri"]: set() for n in neighbours}
    for e in edges:
        s, t = e["source"]["uri"], e["target"]["uri"]
        if center_uri not in (s, t) and s != t:
            linked[s].add(t)
            linked[t].add(s)
    by_uri = {n["uri"]: n for n in neighbours}
    order, placed = [], set()
    for hub in sorted(linked, key=lambda u: (-len(linked[u]), by_uri[u]["label"], u)):
        if hub in placed or not linked[hub]:
            continue
        group = [hub]
        for i, other in enumerate(sorted(linked[hub] - placed - {hub}, key=lambda u: (by_uri[u]["label"], u))):
            group = group + [other] if i % 2 == 0 else [other] + group
        order += group
        placed |= set(group)
    rest = sorted((u for u in linked if u not in placed), key=lambda u: (by_uri[u]["label"], u))
    return [by_uri[u] for u in order + rest]


def _quadratic(a, c, b, steps: int = 48):
    return [((1 - t) ** 2 * a[0] + 2 * (1 - t) * t * c[0] + t * t * b[0],
             (1 - t) ** 2 * a[1] + 2 * (1 - t) * t * c[1] + t * t * b[1])
            for t in (i / steps for i in range(steps + 1))]


def _towards(p, q, distance):
    dx, dy = q[0] - p[0], q[1] - p[1]
    length = math.hypot(dx, dy) or 1
    return p[0] + dx / length * distance, p[1] + dy / length * distance


NODE_R, CENTRE_R, ARROW = 20, 28, 9


def _route(a, b, ra, rb, bends, obstacles, labels, arrow: bool):
    """The first bend (apex offset from the straight line) whose curve clears every node it does not join
    and every label, with the path's ends on the two nodes' rims; ``None`` if none does."""
    mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
    dx, dy = b[0] - a[0], b[1] - a[1]
    length = math.hypot(dx, dy) or 1
    nx, ny = -dy / length, dx / length
    for bend in bends:
        control = (mx + nx * 2 * bend, my + ny * 2 * bend)
        start = _towards(a, control, ra + 1)
        end = _towards(b, control, rb + (2 if arrow else 1))
        along = _quadratic(start, control, end)
        # Only what reaches the curve's bounding box can meet it: a hub's page routes some 60 edges past
        # some 25 nodes and labels, a point at a time.
        x0, x1 = min(p[0] for p in along), max(p[0] for p in along)
        y0, y1 = min(p[1] for p in along), max(p[1] for p in along)
        near = [(x, y, r + 5) for x, y, r in obstacles
                if x0 - r - 5 < x < x1 + r + 5 and y0 - r - 5 < y < y1 + r + 5]
        if any(math.dist(p, (x, y)) < reach for x, y, reach in near for p in along):
            continue
        boxes = [box for box in labels if box.x0 - 3 < x1 and x0 < box.x1 + 3 and box.y0 - 3 < y1 and y0 < box.y1 + 3]
        if any(box.holds(p) for box in boxes for p in along):
            continue
        return bend, start, control, end
    return None


def _label_box(x, y, anchor, lines, size=LABEL_SIZE):
    width = max(text_width(line, size) for line in lines)
    x0 = x if anchor == "start" else x - width if anchor == "end" else x - width / 2
    return Box(x0, y - size, x0 + width, y - size + LINE * (len(lines) - 1) + size * 1.25)


def _placement(where, centre, neighbours, wraps):
    """Each neighbour's label: outside the circle, beside its node, anchored on the side it sits."""
    placed = {}
    cx, cy = where[centre["uri"]]
    for node in neighbours:
        x, y = where[node["uri"]]
        ux, uy = (x - cx), (y - cy)
        length = math.hypot(ux, uy) or 1
        ux, uy = ux / length, uy / length
        lines = wraps[node["uri"]]
        anchor = "start" if ux > 0.25 else "end" if ux < -0.25 else "middle"
        height = LINE * (len(lines) - 1)
        # out along the node's ray until the label's box clears the node
        for distance in range(NODE_R + 4, 4 * NODE_R, 2):
            lx, ly = x + ux * distance, y + uy * distance
            if anchor == "middle":  # above a node at the top, below one at the bottom
                ly = ly - height if uy < 0 else ly + LABEL_SIZE
            else:
                ly = ly + LABEL_SIZE / 2 - height / 2 - 1
            box = _label_box(lx, ly, anchor, lines)
            if not box.near_circle(x, y, NODE_R, 4):
                break
        placed[node["uri"]] = (lx, ly, anchor, lines, box)
    return placed


def _layout(centre, neighbours, centre_r):
    """Node positions and label placements on the smallest circle whose labels overlap no label or node."""
    count = len(neighbours)
    radius = max(130, centre_r + NODE_R + 50)
    wraps = {node["uri"]: wrapped(node["label"]) for node in neighbours}
    while True:
        where = {centre["uri"]: (0.0, 0.0)}
        for i, node in enumerate(neighbours):
            angle = 2 * math.pi * i / max(1, count) - math.pi / 2
            where[node["uri"]] = (radius * math.cos(angle), radius * math.sin(angle))
        labels = _placement(where, centre, neighbours, wraps)
        boxes = [v[4] for v in labels.values()]
        crowded = any(a.overlaps(b, 4) for i, a in enumerate(boxes) for b in boxes[i + 1:])
        covering = any(box.near_circle(*where[u], centre_r if u == centre["uri"] else NODE_R)
                       for box in boxes for u in where)
        if not (crowded or covering) or radius > 420:
            return where, labels
        radius += 10 if radius < 200 else radius // 15


def network_svg(center: dict, edges: list[dict]) -> str:
    """The neighbourhood of one actor: ``edges`` are {source, target, relation} with node dicts {uri, label,
    href}. The centre sits in the middle, its neighbours on a circle around it with their labels outside;
    each edge is the gentlest curve that passes no node it does not join and no label; directed relations
    end in an arrowhead. A list of the same relations follows the drawing, for narrow screens."""
    edges = sorted(edges, key=lambda e: (e["source"]["uri"], e["relation"], e["target"]["uri"]))
    found = {}
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            if end["uri"] != center["uri"]:
                found.setdefault(end["uri"], end)
    neighbours = _circle_order(center["uri"], list(found.values()), edges)
    centre_lines = wrapped(center["label"])
    # the centre's name is written inside its node, which grows to hold it
    centre_r = max(CENTRE_R, max(text_width(line, LABEL_SIZE) for line in centre_lines) / 2 + 7,
                   LINE * len(centre_lines) / 2 + 8)
    where, labels = _layout(center, neighbours, centre_r)
    size = {u: NODE_R for u in where}
    size[center["uri"]] = centre_r
    label_boxes = [v[4] for v in labels.values()]

    directed = [r for r in COLOURS if r not in symmetric() and any(e["relation"] == r for e in edges)]
    paths, used_bends = [], {}
    for edge in edges:
        s, t = edge["source"]["uri"], edge["target"]["uri"]
        pair = tuple(sorted((s, t)))
        a, b = where[pair[0]], where[pair[1]]
        arrow = edge["relation"] not in symmetric()
        obstacles = [(*where[u], size[u]) for u in where if u not in pair]
        taken = used_bends.setdefault(pair, [])
        reach = int(math.dist(a, b)) + 40
        bends = [0] + [sign * k for k in range(8, reach, 8) for sign in (1, -1)]
        bends = [v for v in bends if all(abs(v - old) >= 12 for old in taken)]
        start, end = (a, b) if s == pair[0] else (b, a)
        rs, rt = size[s], size[t]
        routed = _route(start, end, rs, rt, [v if s == pair[0] else -v for v in bends], obstacles, label_boxes,
                        arrow)
        if routed is None:  # nothing clears everything: the gentlest curve that is not already taken
            routed = _route(start, end, rs, rt, [v if s == pair[0] else -v for v in bends[:1]], [], [], arrow)
        bend, p0, control, p1 = routed
        taken.append(bend if s == pair[0] else -bend)
        colour = COLOURS.get(edge["relation"], "#555")
        marker = f' marker-end="url(#arrow-{edge["relation"]})"' if arrow and edge["relation"] in COLOURS else ""
        dash = ' stroke-dasharray="6 4"' if edge.get("status") else ""
        paths.append(f'<path d="M{p0[0]:.1f},{p0[1]:.1f} Q{control[0]:.1f},{control[1]:.1f} {p1[0]:.1f},{p1[1]:.1f}" '
                     f'class="edge" fill="none" stroke="{colour}" stroke-width="2"{dash}{marker}><title>'
                     f'{escape(edge["source"]["label"])} {escape(NAMES.get(edge["relation"], edge["relation"]))} '
                     f'{escape(edge["target"]["label"])}</title></path>')

    drawn = []
    for node in [center] + neighbours:
        x, y = where[node["uri"]]
        if node is center:
            lines, lx, anchor, cls = centre_lines, x, "middle", "label on-centre"
            text_y = y + LABEL_SIZE / 2 - 1 - LINE * (len(lines) - 1) / 2
            circle = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{centre_r:.1f}" class="node centre"/>'
        else:
            lx, text_y, anchor, lines, _ = labels[node["uri"]]
            circle = f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{NODE_R}" class="node"/>'
            cls = "label"
        spans = "".join(f'<tspan x="{lx:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                        for i, line in enumerate(lines))
        body = (f'<title>{escape(node["label"])}</title>{circle}'
                f'<text x="{lx:.1f}" y="{text_y:.1f}" text-anchor="{anchor}" class="{cls}">{spans}</text>')
        if node.get("href") and node is not center:
            drawn.append(f'<a href={quoteattr(node["href"])}>{body}</a>')
        else:
            drawn.append(f'<g>{body}</g>')

    # the drawing's extent: nodes and labels, with room for the legend below
    xs = [x for x, _ in where.values()]
    ys = [y for _, y in where.values()]
    left = min([x - NODE_R for x in xs] + [b.x0 for b in label_boxes]) - 10
    right = max([x + NODE_R for x in xs] + [b.x1 for b in label_boxes]) + 10
    top = min([y - NODE_R for y in ys] + [b.y0 for b in label_boxes]) - 10
    bottom = max([y + NODE_R for y in ys] + [b.y1 for b in label_boxes]) + 10
    if right - left < 320:  # room for the legend, the drawing in the middle of it
        left, right = left - (320 - (right - left)) / 2, right + (320 - (right - left)) / 2
    width = right - left
    legend, x, y = [], left + 10, bottom + 8
    for relation in [r for r in COLOURS if any(e["relation"] == r for e in edges)]:
        text = NAMES[relation]
        item = 30 + text_width(text, LEGEND_SIZE) + 18
        if x + item > left + width and x > left + 10:
            x, y = left + 10, y + 20
        arrow = f' marker-end="url(#arrow-{relation})"' if relation in directed else ""
        legend.append(f'<line x1="{x:.1f}" y1="{y:.1f}" x2="{x + 22:.1f}" y2="{y:.1f}" stroke="{COLOURS[relation]}" '
                      f'stroke-width="2"{arrow}/><text x="{x + 30:.1f}" y="{y + 4:.1f}" class="legend">'
                      f'{escape(text)}</text>')
        x += item
    height = y + 16 - top
    markers = "".join(
        f'<marker id="arrow-{r}" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="{ARROW}" '
        f'markerHeight="{ARROW}" markerUnits="userSpaceOnUse" orient="auto-start-reverse">'
        f'<path d="M0,0 L10,5 L0,10 z" fill="{COLOURS[r]}"/></marker>' for r in directed)
    title = f"Network of {center['label']}: {len(neighbours)} connected actors"
    # pictures.css swaps the drawing for the list where the column would shrink its text under 11 px
    tier = min(16, math.ceil(width / 100))
    parts = [f'<svg {SVG} class="network" viewBox="{left:.0f} {top:.0f} {width:.0f} {height:.0f}" '
             f'width="{width:.0f}" height="{height:.0f}" data-hundreds="{tier}" role="group" '
             f'aria-label={quoteattr(title)}>',
             f'<title>{escape(title)}</title>', f"<defs>{markers}</defs>" if markers else "",
             *paths, *drawn, *legend, "</svg>"]
    return "".join(parts) + network_list(center, edges, tier)


def network_list(center: dict, edges: list[dict], tier: int) -> str:
    """The drawing's relations as sentences with links, which narrow screens show instead of it."""
    def name(node):
        label = escape(node["label"])
        return f'<a href={quoteattr(node["href"])}>{label}</a>' if node.get("href") and node is not center \
            and node["uri"] != center["uri"] else label
    items = [f'<li>{name(e["source"])} {escape(NAMES.get(e["relation"], e["relation"]))} {name(e["target"])}</li>'
             for e in sorted(edges, key=lambda e: (e["source"]["uri"] != center["uri"], e["relation"],
                                                   e["source"]["label"], e["target"]["label"]))]
    return f'<ul class="network-list" data-hundreds="{tier}">{"".join(items)}</ul>'


def _year(value: str | None) -> float | None:
    if not value:
        return None
    try:
        year = int(value[:4])
    except ValueError:
        return None
    month = int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else 1
    return year + (month - 1) / 12


TIMELINE_TOP, ROW, BAR = 30, 40, 12
SOLID = {"member": "#1f5fbf", "left": "#7f7f7f"}


def timeline_svg(rows: list[dict], today: str) -> str:
    """Membership bars: each row {label, href, start, end, status, said}, ``said`` being the dates of the
    articles stating the membership. The axis spans the dates the sources give (nothing after ``today``, the
    page's as-of date), not the years up to now. A start no source gives fades in from the axis's left end,
    with a "?"; an end no source gives fades out to its right end; dots mark the articles' dates.

    Positions across are in per cent of the width and text is in CSS pixels, so that the drawing fills any
    width and its text stays the page's size, on a phone too."""
    cap = _year(today)

    def known(value):
        return value if value is not None and (cap is None or value <= cap) else None
    rows = [{**row, "_start": known(_year(row["start"])), "_end": known(_year(row["end"])),
             "_said": sorted((_year(d), d) for d in row.get("said") or [] if known(_year(d)) is not None)}
            for row in rows]
    dates = [d for row in rows for d in (row["_start"], row["_end"], *(y for y, _ in row["_said"])) if d is not None]
    # half a year of room at least beyond the first and last dates, for a fading start or end to show
    low = math.floor(min(dates) - 0.5) if dates else (math.floor(cap) - 1 if cap else 2000)
    high = math.ceil(max(dates) + 0.5) if dates else low + 2
    span = high - low

    def x(year: float) -> float:
        return 2 + (year - low) / span * 96

    step = max(1, math.ceil(span / 6))  # year labels at least 50 px apart on a phone
    ticks = list(range(low, high + 1, step))
    unknown_start = unknown_end = stated = False
    height = TIMELINE_TOP + ROW * len(rows)
    parts = ['<defs>',
             *(f'<linearGradient id="tl-{way}-{kind}"><stop offset="0" stop-color="{colour}" stop-opacity="{a}"/>'
               f'<stop offset="1" stop-color="{colour}" stop-opacity="{b}"/></linearGradient>'
               for kind, colour in SOLID.items()
               for way, a, b in (("in", 0, 0.9), ("out", 0.9, 0))), '</defs>']
    for year in range(low, high + 1):
        parts.append(f'<line x1="{x(year):.2f}%" y1="{TIMELINE_TOP - 8}" x2="{x(year):.2f}%" y2="{height}" '
                     f'class="grid"/>')
    for i, year in enumerate(ticks):
        anchor = "start" if i == 0 else "end" if year == ticks[-1] and len(ticks) > 1 else "middle"
        parts.append(f'<text x="{x(year):.2f}%" y="14" text-anchor="{anchor}" class="legend">{year}</text>')
    for i, row in enumerate(rows):
        y = TIMELINE_TOP + i * ROW
        bar_y = y + 20
        kind = "left" if row["_end"] is not None or row.get("status", "").startswith("left") else "member"
        dated = sorted(d for d in (row["_start"], row["_end"],
                                   *(d for d, _ in row["_said"] if row["_end"] is None or d <= row["_end"]))
                       if d is not None)
        status = row.get("status") or "member"
        tip = (f'{escape(row["label"])}: {escape(status)}{", from " + escape(row["start"]) if row["start"] else ""}'
               f'{", until " + escape(row["end"]) if row["end"] else ""}')
        name = escape(_short(row["label"], 30))
        if row.get("href"):
            name = f'<a href={quoteattr(row["href"])}>{name}</a>'
        when = (f' · left {escape(row["end"])}' if row["_end"] is not None
                else f' · joined {escape(row["start"])}' if row["_start"] is not None else "")
        parts.append(f'<text x="0" y="{y + 13}">{name}{when}</text>')

        def rect(a, b, fill):
            return (f'<rect x="{x(a):.2f}%" y="{bar_y}" width="{max(0.0, x(b) - x(a)):.2f}%" height="{BAR}" '
                    f'fill="{fill}" class="bar {kind}"><title>{tip}</title></rect>')
        if not dated:
            unknown_start = unknown_end = True
            parts.append(rect(low, (low + high) / 2, f"url(#tl-in-{kind})") + rect((low + high) / 2, high,
                                                                                      f"url(#tl-out-{kind})"))
            parts.append(f'<text x="{x(low):.2f}%" dx="4" y="{bar_y + 10}" class="unknown">?</text>'
                         f'<text x="{x(high):.2f}%" dx="-4" y="{bar_y + 10}" text-anchor="end" class="unknown">?</text>')
            continue
        first, last = dated[0], dated[-1]
        if row["_start"] is None:
            unknown_start = True
            parts.append(rect(low, first, f"url(#tl-in-{kind})"))
            parts.append(f'<text x="{x(low):.2f}%" dx="4" y="{bar_y + 10}" class="unknown">?</text>')
        if last > first:
            parts.append(rect(first, last, SOLID[kind]))
        if row["_end"] is None:
            unknown_end = True
            parts.append(rect(last, high, f"url(#tl-out-{kind})"))
            parts.append(f'<text x="{x(high):.2f}%" dx="-4" y="{bar_y + 10}" text-anchor="end" '
                         f'class="unknown">?</text>')
        for d, text in row["_said"]:
            stated = True
            parts.append(f'<circle cx="{x(d):.2f}%" cy="{bar_y + BAR / 2}" r="4" class="stated"><title>'
                         f'{escape(row["label"])}: membership stated in an article of {escape(text)}</title></circle>')
    notes = [text for flag, text in ((unknown_start, "? fading in: no stated start"),
                                     (unknown_end, "? fading out: no stated end"),
                                     (stated, "● the date of an article stating the membership")) if flag]
    for i, note in enumerate(notes):
        parts.append(f'<text x="0" y="{height + 18 + 18 * i}" class="legend">{escape(note)}</text>')
    height += 18 * len(notes) + (8 if notes else 0)
    title = f"Membership over time, {low} to {high}"
    return (f'<svg {SVG} class="timeline" width="100%" height="{height}" role="group" '
            f'aria-label={quoteattr(title)}><title>{escape(title)}</title>{"".join(parts)}</svg>')
