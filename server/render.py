"""Renderers: the same view data as HTML, JSON or RDF, with its twins advertised."""

import functools
from urllib.parse import quote, urlencode

from flask import Response, jsonify, render_template, request

from geokg.ontology import NS as ONTOLOGY_NS
from geokg.server import conneg

PREFIX_NAMES = {
    "https://w3id.org/geokg/ontology#": "gk:",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf:",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs:",
    "http://www.w3.org/2004/02/skos/core#": "skos:",
    "http://www.w3.org/2002/07/owl#": "owl:",
    "http://www.w3.org/ns/org#": "org:",
    "http://www.w3.org/ns/prov#": "prov:",
    "https://schema.org/": "schema:",
    "http://www.w3.org/2001/XMLSchema#": "xsd:",
    "http://www.wikidata.org/entity/": "wd:",
}


def href(uri) -> str | None:
    """Where a link to a URI should go: a local path for our own URIs, the URI for web ones, else nowhere."""
    from geokg.server.app import geokg

    return _href(geokg().ids, str(uri or ""))


def href_for(ids):
    """``href`` bound to one identifier scheme and memoised: a page links a few hundred URIs."""
    return functools.lru_cache(maxsize=100_000)(lambda uri: _href(ids, str(uri or "")))


def _href(ids, uri: str) -> str | None:
    local = ids.local_path(uri)
    if local:
        return local
    if uri.startswith(ONTOLOGY_NS):
        # Ontology terms are described on this server's ontology page, one anchor per term.
        return "/ontology#" + uri[len(ONTOLOGY_NS):]
    return uri if uri.startswith(("http://", "https://")) else None


def short(uri) -> str:
    """A prefixed name for well-known vocabularies, the full URI otherwise."""
    uri = str(uri)
    for namespace, prefix in PREFIX_NAMES.items():
        if uri.startswith(namespace):
            return prefix + uri[len(namespace):]
    return uri


def install_template_helpers(app, ids) -> None:
    """Make href/short and the page fragments available to every template."""
    from geokg.server import fragments

    bound = href_for(ids)
    app.jinja_env.filters["href"] = bound
    app.jinja_env.filters["short"] = short
    fragments.install(app, bound)


def url_with(path: str, **params) -> str:
    """A path with query parameters, skipping empty ones."""
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return f"{path}?{query}" if query else path


# A page's JSON twin is the page's own data (jsonify), not a SPARQL result set.
PAGE_TYPES = {**conneg.MEDIA_TYPES, "json": "application/json"}


def link_header(alternates: dict[str, str], types: dict[str, str] = conneg.MEDIA_TYPES) -> str:
    """An HTTP Link header advertising each alternate representation with the media type it is served as."""
    return ", ".join(
        f'<{_uri_reference(url)}>; rel="alternate"; type="{types[fmt].split(";")[0]}"'
        for fmt, url in alternates.items()
    )


def _uri_reference(url: str) -> str:
    """A URL with everything a URI may not hold percent-encoded, so a raw '>', quote, space or line break
    taken from a request can neither end the Link entry, add one nor break the header."""
    return quote(url, safe="/?#[]@!$&'()*+,;=:%~")


def respond(fmt: str, data: dict, template: str, alternates: dict[str, str], graph=None, status=200) -> Response:
    """Format one view's data: HTML through its template, JSON as is, RDF formats from ``graph()``."""
    if fmt == "html":
        response = Response(render_template(template, **data, alternates=alternates), status,
                            mimetype="text/html")
    elif fmt == "json":
        response = jsonify(data)
        response.status_code = status
    else:
        body = _graph_text(graph(), fmt)
        response = Response(body, status, content_type=conneg.MEDIA_TYPES[fmt])
    response.headers["Link"] = link_header(alternates, PAGE_TYPES)
    response.vary.add("Accept")
    return response


def _graph_text(graph, fmt: str) -> bytes:
    """A graph in ``fmt``; Turtle with the ontology's and the data's prefixes, which the engine's writer
    leaves out."""
    if fmt != "turtle":
        return graph.serialize(fmt)
    from geokg.server.app import geokg
    from geokg.server.prefixes import with_prefixes

    return with_prefixes(graph.serialize("ntriples"), "ntriples", "turtle", geokg().ids.base)


def negotiated(table: dict[str, str], default: str, extra=("html",)) -> str:
    """The format asked for by ?format= or Accept; a 406 GeokgError when nothing fits."""
    from geokg.loaders.errors import GeokgError

    wanted = request.args.get("format")
    names = set(table.values()) | set(extra)
    if wanted:
        fmt = wanted if wanted in names else table.get(wanted)
        if fmt is None:
            raise GeokgError(f"unknown format {wanted!r}; use one of {', '.join(sorted(names))}", 400, "Bad format")
        return fmt
    return accepted(table, default, extra)


def accepted(table: dict[str, str], default: str, extra=("html",)) -> str:
    """The format the Accept header prefers; a 406 GeokgError when nothing fits."""
    from geokg.loaders.errors import GeokgError

    fmt = conneg.choose(request.headers.get("Accept"), table, default, extra)
    if fmt is None:
        offered = ", ".join(sorted({m for m in table} | {f"text/{e}" for e in extra}))
        raise GeokgError(f"cannot answer with {request.headers.get('Accept')!r}; offered: {offered}", 406,
                         "Not acceptable")
    return fmt
