"""The reconciliation service for OpenRefine (W3C Entity Reconciliation, API v0.2): the manifest, batched
queries, suggest, preview and data extension, all under /reconcile."""

import json
import re

from flask import Blueprint, Response, jsonify, render_template, request
from rdflib import Literal

from geokg.loaders.errors import GeokgError
from geokg.server.app import geokg
from geokg.server.reconcile_facts import EntityIds, actor_types, check_extension_property, check_type, \
    claims_made, descriptions, extend, extension_properties, memberships, relations, type_id
from geokg.server.reconcile_match import BAD, MAX_QUERIES, parse_queries, parse_query, query_properties, reconcile
from geokg.server.reconcile_names import suggest as suggested
from geokg.server.search import SEARCH

bp = Blueprint("reconcile", __name__)
# A JSONP callback is pasted in front of the answer, so it may only be a (dotted) JavaScript name.
_CALLBACK = re.compile(r"^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*$")
BATCH_SIZE = 10
SUGGEST_LIMIT = 20


def _entity_ids() -> EntityIds:
    return EntityIds(geokg().ids.base)


def _root() -> str:
    return request.url_root.rstrip("/")


def _answer(data) -> Response:
    """JSON, or JSONP when the client names a callback, as v0.2 clients in a browser do."""
    callback = request.values.get("callback")
    if callback is None:
        return jsonify(data)
    if not _CALLBACK.match(callback) or len(callback) > 100:
        raise GeokgError(f"callback {callback[:100]!r} is not a JavaScript function name", 400, BAD)
    return Response(f"/**/{callback}({json.dumps(data)});", mimetype="application/javascript")


def _json_parameter(name: str):
    text = request.values.get(name, "")
    try:
        return json.loads(text)
    except ValueError as exc:
        raise GeokgError(f"parameter {name!r} is not JSON ({exc})", 400, BAD) from None


@bp.after_request
def _open_to_other_sites(response):
    # OpenRefine's browser code calls suggest and preview from its own origin; nothing here is private.
    response.headers.setdefault("Access-Control-Allow-Origin", "*")
    return response


@bp.route("/reconcile", methods=["GET", "POST"])
def service():
    g = geokg()
    ids = _entity_ids()
    if "queries" in request.values:
        queries = parse_queries(_json_parameter("queries"), ids)
        return _answer(reconcile(g.store, ids, queries))
    if "query" in request.values:
        text = request.values["query"]
        single = _json_parameter("query") if text.lstrip().startswith("{") else text
        query = parse_query("query", single, ids)
        return _answer(reconcile(g.store, ids, [query])["query"])
    if "extend" in request.values:
        return _answer(_extend(g, ids, _json_parameter("extend")))
    return _answer(manifest(g))


def manifest(g) -> dict:
    root = _root()
    service_url = root + "/reconcile"
    types = actor_types()
    return {
        "versions": ["0.2"],
        "name": f"geokg actors ({g.ids.base})",
        "identifierSpace": g.ids.base + "/id/",
        "schemaSpace": "https://w3id.org/geokg/ontology#",
        "view": {"url": root + "/id/{{id}}"},
        "preview": {"url": service_url + "/preview?id={{id}}", "width": 400, "height": 240},
        "suggest": {kind: {"service_url": service_url, "service_path": f"/suggest/{kind}"}
                    for kind in ("entity", "type", "property")},
        # Actor, the type of every actor, would match anything and is left to be asked for by name.
        "defaultTypes": [{"id": t, "name": types[t]["name"]} for t in types if t != "Actor"],
        "batchSize": BATCH_SIZE,
        "extend": {"propose_properties": {"service_url": service_url, "service_path": "/propose_properties"},
                   "property_settings": []},
    }


def _extend(g, ids: EntityIds, asked) -> dict:
    if not isinstance(asked, dict) or not isinstance(asked.get("ids"), list) or not isinstance(
            asked.get("properties"), list):
        raise GeokgError("extend must be {\"ids\": [...], \"properties\": [{\"id\": ...}]}", 400, BAD)
    if len(asked["ids"]) > MAX_QUERIES * 10:
        raise GeokgError(f"{len(asked['ids'])} ids in one extend request; at most {MAX_QUERIES * 10}", 400, BAD)
    properties = [check_extension_property(p.get("id") if isinstance(p, dict) else p, "extend")
                  for p in asked["properties"]]
    iris = {str(i): ids.iri(i, "extend") for i in asked["ids"]}
    return extend(g.store, ids, iris, properties)


@bp.get("/reconcile/propose_properties")
def propose_properties():
    kind = request.args.get("type")
    if kind:
        check_type(kind, "propose_properties")
    limit = request.args.get("limit", "")
    properties = [{"id": p, "name": name} for p, name in extension_properties().items()]
    if limit.isdigit():
        properties = properties[:int(limit)]
    return _answer({"type": type_id(kind) if kind else None, "properties": properties, "limit": len(properties)})


@bp.get("/reconcile/suggest/entity")
def suggest_entity():
    """Actors whose name or alias starts with the prefix, then those with a word that does, from the name
    keys the matching keeps; on a store with too many to keep, the site search's query (names that
    contain the prefix, exact and prefix matches first). Filtered by type when one is asked for."""
    g = geokg()
    ids = _entity_ids()
    prefix = (request.args.get("prefix") or "").strip()[:100]
    kind = request.args.get("type")
    kind = check_type(kind, "suggest") if kind else None
    if len(prefix) < 1:
        return _answer({"result": []})
    # More than are shown, so that a type filter still leaves a full list.
    actors = suggested(g.store, prefix, SUGGEST_LIMIT * 5)
    if actors is None:
        actors = [r["item"] for r in g.store.query(SEARCH, {"q": Literal(prefix)}).texts()]
    found = descriptions(g.store, actors)
    types = actor_types()
    result = []
    for actor in actors:
        item = found.get(actor)
        if item is None or (kind and not any(kind in types[t]["under"] for t in item["types"])):
            continue
        result.append({"id": ids.of(actor), "name": item["name"],
                       "description": ", ".join(types[t]["name"] for t in item["types"]),
                       "notable": [{"id": t, "name": types[t]["name"]} for t in item["types"]]})
    return _answer({"result": result[:SUGGEST_LIMIT]})


def _by_prefix(entries: dict[str, str]) -> list[dict]:
    prefix = (request.args.get("prefix") or "").strip().lower()
    return [{"id": key, "name": name} for key, name in entries.items()
            if not prefix or key.lower().startswith(prefix) or any(w.startswith(prefix) for w in name.lower().split())]


@bp.get("/reconcile/suggest/type")
def suggest_type():
    return _answer({"result": _by_prefix({t: v["name"] for t, v in actor_types().items()})})


@bp.get("/reconcile/suggest/property")
def suggest_property():
    return _answer({"result": _by_prefix({**query_properties(), **extension_properties()})})


@bp.get("/reconcile/preview")
def preview():
    """A small card for OpenRefine's preview frame: name, types, ids, memberships, allies, rivals, claims."""
    g = geokg()
    ids = _entity_ids()
    asked = request.args.get("id") or ""
    iri = ids.iri(asked, "preview")
    item = descriptions(g.store, [iri]).get(iri)
    if item is None:
        raise GeokgError(f"preview: no entity {asked!r}", 404, "Not found")
    related = relations(g.store, [iri], ["alliedWith", "hostileTo"]).get(iri, {})
    types = actor_types()
    page = render_template(
        "reconcile_preview.html", item=item, href=_root() + "/id/" + ids.of(iri) if iri.startswith(ids.space) else iri,
        types=[types[t]["name"] for t in item["types"]], members=memberships(g.store, [iri]).get(iri, []),
        allies=related.get("alliedWith", []), rivals=related.get("hostileTo", []),
        claims=claims_made(g.store, [iri], limit=3).get(iri, []))
    response = Response(page, mimetype="text/html")
    # OpenRefine shows the card in a frame of its own page, which the site-wide policy forbids.
    response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *"
    return response
