"""Writes against a writable pyoxigraph store, the same in this process or in the pool's writer process.

Each write is one transaction, and every engine error becomes a GeokgError with a 4xx status where
the request was at fault, so no caller ever sees a raw RuntimeError (one left the store lock held).
"""

import re

import pyoxigraph as ox

from geokg.loaders.errors import GeokgError, StoreError

RDF_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "ntriples": ox.RdfFormat.N_TRIPLES, "rdfxml": ox.RdfFormat.RDF_XML,
               "jsonld": ox.RdfFormat.JSON_LD, "n3": ox.RdfFormat.N3}
MAX_DOCUMENT_NESTING = 200
_JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"', re.DOTALL)
_JSON_BRACKET = re.compile(rb"[\[\]{}]")
_XML_SKIPPED = re.compile(rb"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<\?.*?\?>|<!.*?>", re.DOTALL)
_XML_TAG = re.compile(rb"<(/?)[^<>]*?(/?)>")


def run_update(store: ox.Store, sparql: str, base_iri: str | None = None) -> None:
    """One SPARQL Update; a failure changes nothing and says what the request got wrong."""
    try:
        store.update(sparql, base_iri=base_iri)
    except SyntaxError as exc:
        raise StoreError(f"SPARQL Update syntax error: {exc}", status=400, title="Bad update") from None
    except RuntimeError as exc:
        raise update_error(str(exc)) from None
    except OSError as exc:
        raise StoreError(f"the update failed and changed nothing: {exc}", status=500, title="Update failed") from None


def update_error(message: str) -> GeokgError:
    """The status an engine's evaluation error deserves: the graph named is missing, exists, or the update is bad."""
    if "does not exist" in message:
        return GeokgError(f"{message}; nothing was changed (add SILENT to ignore missing graphs)", 404, "Not found")
    if "already exists" in message:
        return GeokgError(f"{message}; nothing was changed (add SILENT to ignore existing graphs)", 409, "Conflict")
    return GeokgError(f"the update failed and changed nothing: {message}", 400, "Update failed")


def document_nesting(data: bytes, fmt: str) -> int:
    """How deep a JSON-LD or RDF/XML document nests, counted without parsing it: the engine's parsers
    recurse, and a JSON-LD document nested 10,000 deep crashes the process that parses it."""
    if fmt == "jsonld":
        depth = deepest = 0
        for bracket in _JSON_BRACKET.findall(_JSON_STRING.sub(b"", data)):
            depth += 1 if bracket in b"[{" else -1
            deepest = max(deepest, depth)
        return deepest
    if fmt == "rdfxml":
        depth = deepest = 0
        for closing, empty in _XML_TAG.findall(_XML_SKIPPED.sub(b"", data)):
            if closing:
                depth -= 1
            elif not empty:
                depth += 1
                deepest = max(deepest, depth)
        return deepest
    return 0


def parse_document(data: bytes, fmt: str, base_iri: str | None) -> str:
    """An RDF document's triples as N-Triples, or a 400 that says what is wrong with it."""
    if fmt not in RDF_FORMATS:
        raise GeokgError(f"cannot read RDF as {fmt!r}; known: {', '.join(RDF_FORMATS)}", 415, "Unsupported media type")
    depth = document_nesting(data, fmt)
    if depth > MAX_DOCUMENT_NESTING:
        raise GeokgError(f"the document nests {depth} levels deep; at most {MAX_DOCUMENT_NESTING} are accepted",
                         413, "Document too deeply nested")
    try:
        # pyoxigraph's JSON-LD parser has no document loader, so a remote @context is never fetched.
        quads = ox.parse(data, format=RDF_FORMATS[fmt], base_iri=base_iri)
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in quads]
    except (SyntaxError, ValueError) as exc:
        raise GeokgError(f"the body is not valid {fmt}: {exc}", 400, "Bad RDF") from None
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


def graph_write_update(graph: str | None, ntriples: str, replace: bool) -> str:
    """The update that puts triples into a graph (None: the default graph), replacing it or adding to it.
    A named graph written with no triples still exists afterwards, as the Graph Store Protocol expects."""
    target = "DEFAULT" if graph is None else f"GRAPH <{graph}>"
    parts = []
    if replace:
        parts.append(f"DROP SILENT {target}")
    if graph is not None:
        parts.append(f"CREATE SILENT GRAPH <{graph}>")
    if ntriples.strip():
        body = ntriples if graph is None else f"GRAPH <{graph}> {{\n{ntriples}\n}}"
        parts.append(f"INSERT DATA {{\n{body}\n}}")
    return " ;\n".join(parts)


def write_graph(store: ox.Store, graph: str | None, data: bytes, fmt: str, base_iri: str | None,
                replace: bool) -> None:
    """Parse an RDF document and write it into one graph in one transaction (PUT replaces, POST adds)."""
    run_update(store, graph_write_update(graph, parse_document(data, fmt, base_iri or graph), replace))


def replace_graphs_update(graphs: dict[str, str]) -> str:
    """One SPARQL Update that replaces named graphs (IRI -> N-Triples), so it is one transaction."""
    parts = []
    for graph, ntriples in graphs.items():
        parts.append(f"DROP SILENT GRAPH <{graph}>")
        parts.append(f"INSERT DATA {{ GRAPH <{graph}> {{\n{ntriples}\n}} }}")
    return " ;\n".join(parts)
