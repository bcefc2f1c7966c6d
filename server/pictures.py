"""Pictures drawn on the server as SVG: an actor's network and a membership timeline.

Drawn here rather than by a script so that pages stay script-free, print, and work without JavaScript.
Every label is escaped; the SVG carries a <title> and a text legend for screen readers.
"""

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


def _short(text: str, size: int = 22) -> str:
    return text if len(text) <= size else text[: size - 1] + "…"


def network_svg(center: dict, edges: list[dict], width: int = 640, height: int = 460) -> str:
    """The neighbourhood of one actor: ``edges`` are {source, target, relation, label} with node dicts
    {uri, label, href}; the centre sits in the middle and its neighbours on a circle around it."""
    neighbours = []
    for edge in edges:
        for end in (edge["source"], edge["target"]):
            if end["uri"] != center["uri"] and end["uri"] not in [n["uri"] for n in neighbours]:
                neighbours.append(end)
    cx, cy = width / 2, height / 2 - 20
    radius = min(width, height) / 2 - 70
    where = {center["uri"]: (cx, cy)}
    for i, node in enumerate(neighbours):
        angle = 2 * math.pi * i / max(1, len(neighbours)) - math.pi / 2
        where[node["uri"]] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="network" viewBox="0 0 {width} {height}" '
             f'role="img" aria-labelledby="network-title">',
             f'<title id="network-title">Network of {escape(center["label"])}: '
             f'{len(neighbours)} connected actors</title>']
    seen_pairs = {}
    for edge in edges:
        a, b = where[edge["source"]["uri"]], where[edge["target"]["uri"]]
        pair = tuple(sorted((edge["source"]["uri"], edge["target"]["uri"])))
        bend = seen_pairs.get(pair, 0)
        seen_pairs[pair] = bend + 1
        colour = COLOURS.get(edge["relation"], "#555")
        mx, my = (a[0] + b[0]) / 2, (a[1] + b[1]) / 2
        dx, dy = b[0] - a[0], b[1] - a[1]
        length = math.hypot(dx, dy) or 1
        offset = 18 * bend * (1 if bend % 2 else -1)
        qx, qy = mx - dy / length * offset, my + dx / length * offset
        dash = ' stroke-dasharray="6 4"' if edge.get("status") else ""
        parts.append(f'<path d="M{a[0]:.1f},{a[1]:.1f} Q{qx:.1f},{qy:.1f} {b[0]:.1f},{b[1]:.1f}" fill="none" '
                     f'stroke="{colour}" stroke-width="2.5"{dash}><title>{escape(edge["source"]["label"])} '
                     f'{escape(NAMES.get(edge["relation"], edge["relation"]))} {escape(edge["target"]["label"])}'
                     f'</title></path>')
    for node in [center] + neighbours:
        x, y = where[node["uri"]]
        r = 30 if node is center else 22
        label = escape(_short(node["label"]))
        circle = (f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{r}" class="node{" centre" if node is center else ""}"/>'
                  f'<text x="{x:.1f}" y="{y + r + 14:.1f}" text-anchor="middle">{label}</text>')
        if node.get("href") and node is not center:
            parts.append(f'<a href={quoteattr(node["href"])}>{circle}</a>')
        else:
            parts.append(circle)
    used = [r for r in COLOURS if any(e["relation"] == r for e in edges)]
    for i, relation in enumerate(used):
        x, y = 10 + (i % 4) * 155, height - 34 + (i // 4) * 16
        parts.append(f'<rect x="{x}" y="{y - 9}" width="14" height="4" fill="{COLOURS[relation]}"/>'
                     f'<text x="{x + 20}" y="{y - 4}" class="legend">{escape(NAMES[relation])}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _year(value: str | None) -> float | None:
    if not value:
        return None
    try:
        year = int(value[:4])
    except ValueError:
        return None
    month = int(value[5:7]) if len(value) >= 7 and value[5:7].isdigit() else 1
    return year + (month - 1) / 12


def timeline_svg(rows: list[dict], today: str, width: int = 640) -> str:
    """Membership bars: each row {label, href, start, end, status}; an unknown start is drawn faded."""
    starts = [_year(r["start"]) for r in rows if _year(r["start"])]
    ends = [_year(r["end"]) for r in rows if _year(r["end"])]
    now = _year(today) or 2025
    low = math.floor(min(starts + ends + [now - 10]) - 1)
    high = math.ceil(max(starts + ends + [now]) + 1)
    left, right, row_height = 150, width - 20, 28
    height = 40 + row_height * len(rows)

    def x(year):
        return left + (year - low) / (high - low) * (right - left)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="timeline" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="timeline-title"><title id="timeline-title">Membership over time, {low} to '
             f'{high}</title>']
    step = max(1, (high - low) // 8)
    for year in range(low, high + 1, step):
        parts.append(f'<line x1="{x(year):.1f}" y1="20" x2="{x(year):.1f}" y2="{height - 10}" class="grid"/>'
                     f'<text x="{x(year):.1f}" y="14" text-anchor="middle" class="legend">{year}</text>')
    for i, row in enumerate(rows):
        y = 30 + i * row_height
        start, end = _year(row["start"]), _year(row["end"])
        faded = start is None
        begin = start if start is not None else low
        stop = end if end is not None else now
        label = escape(_short(row["label"], 20))
        name = f'<a href={quoteattr(row["href"])}>{label}</a>' if row.get("href") else label
        parts.append(f'<text x="{left - 8}" y="{y + 14}" text-anchor="end">{name}</text>')
        parts.append(f'<rect x="{x(begin):.1f}" y="{y}" width="{max(4, x(stop) - x(begin)):.1f}" height="18" rx="4" '
                     f'class="bar{" faded" if faded else ""}{" ended" if end is not None else ""}">'
                     f'<title>{escape(row["label"])}: {escape(row.get("status") or "member")}'
                     f'{", from " + escape(row["start"]) if row["start"] else ""}'
                     f'{", until " + escape(row["end"]) if row["end"] else ""}</title></rect>')
        if end is not None:
            parts.append(f'<text x="{x(stop) + 6:.1f}" y="{y + 14}" class="legend">left {escape(row["end"])}</text>')
    parts.append("</svg>")
    return "".join(parts)
