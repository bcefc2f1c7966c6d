"""GDELT rows to N-Triples: pure, so it can be tested without a store or a file. A row is a list of column
values in its layout's order; a value that cannot be mapped raises FieldError naming its column, and the
reader adds the file and line."""

import hashlib
import re

from geokg.loaders.gdelt import cameo
from geokg.loaders.gdelt.columns import Layout
from geokg.loaders.gdelt.countries import country
from geokg.loaders.ids import Ids, slug
from geokg.loaders.mapping import iri_problem, text_literal
from geokg.ontology import GK

_GK = str(GK._NS)
_XSD = "http://www.w3.org/2001/XMLSchema#"
_TYPE = "<http://www.w3.org/1999/02/22-rdf-syntax-ns#type>"
_LABEL = "<http://www.w3.org/2000/01/rdf-schema#label>"
_SAME_AS = "<http://www.w3.org/2002/07/owl#sameAs>"
_URL = "<https://schema.org/url>"
_PUBLISHER = "<https://schema.org/publisher>"
_GENERATED = "<http://www.w3.org/ns/prov#generatedAtTime>"
_LAT = "<http://www.w3.org/2003/01/geo/wgs84_pos#lat>"
_LONG = "<http://www.w3.org/2003/01/geo/wgs84_pos#long>"
_WD = "http://www.wikidata.org/entity/"
_DIGITS = re.compile(r"\d+")
_DECIMAL = re.compile(r"[-+]?\d+(?:\.\d+)?|[-+]?\.\d+")
_DATE = re.compile(r"(\d{4})(\d{2})(\d{2})")
_STAMP = re.compile(r"(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})")
_WEB = 1  # MentionType 1: MentionIdentifier is the article's web address


class FieldError(ValueError):
    """A value of one column that cannot be mapped."""

    def __init__(self, column: str, message: str):
        super().__init__(message)
        self.column = column
        self.message = message


def _gk(name: str) -> str:
    return f"<{_GK}{name}>"


def _typed(value: str, datatype: str) -> str:
    return f'"{value}"^^<{_XSD}{datatype}>'


def _number(value: str, column: str) -> str:
    """A decimal as written (xsd:decimal takes neither exponents nor NaN, which float() would)."""
    if not _DECIMAL.fullmatch(value):
        raise FieldError(column, f"{value!r} is not a decimal number")
    return value


def _digest(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:16]


class RowMapper:
    """Maps the rows of one GDELT file. Actors, places and articles are described once per ``fresh()`` (once
    a chunk), so memory holds one chunk's worth of names whatever the file's size. ``nodes`` maps Wikidata ids
    to the actor nodes a store already has for them, so that a state found there is the node GDELT's rows use."""

    def __init__(self, layout: Layout, ids: Ids, nodes: dict[str, str] | None = None):
        self.layout = layout
        self.ids = ids
        self.nodes = nodes or {}
        self.col = layout.index()
        self.codes = cameo.event_codes()
        self.seen: set[str] = set()

    def fresh(self) -> None:
        self.seen.clear()

    def row(self, values: list[str]) -> list[str]:
        """The N-Triples lines (without their closing dot) of one row."""
        return self.event(values) if self.layout.kind == "events" else self.mention(values)

    def _value(self, values, name: str) -> str:
        return values[self.col[name]].strip() if name in self.col else ""

    def _event_iri(self, values) -> str:
        event_id = self._value(values, "GLOBALEVENTID")
        if not _DIGITS.fullmatch(event_id):
            raise FieldError("GLOBALEVENTID", f"{event_id!r} is not an event id (digits)")
        return f"<{self.ids.base}/id/event/gdelt/{event_id}>"

    def _code(self, values, name: str, width: tuple[int, ...]) -> str:
        code = self._value(values, name)
        if code not in self.codes or len(code) not in width:
            raise FieldError(name, f"unknown CAMEO event code {code!r}")
        return code

    def event(self, values: list[str]) -> list[str]:
        v = lambda name: self._value(values, name)  # noqa: E731
        event = self._event_iri(values)
        code = self._code(values, "EventCode", (2, 3, 4))
        base = self._code(values, "EventBaseCode", (2, 3))
        root = self._code(values, "EventRootCode", (2,))
        if not (code.startswith(base) and base.startswith(root)):
            raise FieldError("EventBaseCode", f"{base!r} is not the base of event code {code!r} under root {root!r}")
        quad = v("QuadClass")
        if quad not in ("1", "2", "3", "4"):
            raise FieldError("QuadClass", f"{quad!r} is not a QuadClass (1 to 4)")
        date = _DATE.fullmatch(v("SQLDATE"))
        if not date:
            raise FieldError("SQLDATE", f"{v('SQLDATE')!r} is not a date (YYYYMMDD)")
        out = [
            f"{event} {_TYPE} {_gk(cameo.event_class(code))}",
            f"{event} {_LABEL} {text_literal(self.codes[code].label)}",
            f"{event} {_gk('cameoCode')} {text_literal(code)}",
            f"{event} {_gk('cameoBaseCode')} {text_literal(base)}",
            f"{event} {_gk('cameoRootCode')} {text_literal(root)}",
            f"{event} {_gk('quadClass')} {_typed(quad, 'integer')}",
            f"{event} {_gk('date')} {_typed('-'.join(date.groups()), 'date')}",
        ]
        if v("GoldsteinScale"):
            out.append(f"{event} {_gk('goldstein')} {_typed(_number(v('GoldsteinScale'), 'GoldsteinScale'), 'decimal')}")
        for n, role in (("1", "sourceActor"), ("2", "targetActor")):
            actor = self.actor(values, f"Actor{n}", out)
            if actor:
                out.append(f"{event} {_gk(role)} {actor}")
                out.append(f"{event} {_gk('participant')} {actor}")
        for prefix, prop in (("Action", "place"), ("Actor1", "sourcePlace"), ("Actor2", "targetPlace")):
            place = self.place(values, prefix, out)
            if place:
                out.append(f"{event} {_gk(prop)} {place}")
        if "SOURCEURL" in self.col and v("SOURCEURL"):
            out.append(f"{event} {_gk('statedIn')} {self.article(v('SOURCEURL'), True, out)}")
        return out

    def _once(self, key: str) -> bool:
        if key in self.seen:
            return False
        self.seen.add(key)
        return True

    def state(self, code: str, out: list[str]) -> str | None:
        """The node of the state or region a CAMEO country code names."""
        found = country(code)
        if found is None:
            return None
        node = f"<{self.nodes.get(found.qid) or self.ids.actor(found.name)}>"
        if self._once(node + " state"):
            out.append(f"{node} {_TYPE} {_gk('State' if found.state else 'Actor')}")
            out.append(f"{node} {_LABEL} {text_literal(found.name)}")
            if found.qid:
                out.append(f"{node} {_SAME_AS} <{_WD}{found.qid}>")
        return node

    def actor(self, values, prefix: str, out: list[str]) -> str | None:
        """The node of one actor block: the state or region when the code is its country code alone, the known
        group when it names one, else a node for the whole CAMEO code (a country's government, its rebels...)."""
        v = lambda name: self._value(values, f"{prefix}{name}")  # noqa: E731
        code = v("Code")
        if not code:
            return None
        country_code = v("CountryCode")
        home = self.state(country_code, out) if country_code else None
        types = [t for t in (v("Type1Code"), v("Type2Code"), v("Type3Code")) if t]
        group = v("KnownGroupCode")
        if code == country_code and home:
            return home
        if group and group in cameo.known_groups():
            name = cameo.known_groups()[group]
            node = f"<{self.ids.actor(name)}>"
        else:
            where = country(country_code).name if home else ""
            kinds = " ".join(cameo.actor_types().get(t, t) for t in types)
            name = " ".join(part for part in (where, kinds) if part) or v("Name") or code
            node = f"<{self.ids.actor('cameo ' + code)}>"
        if self._once(node + " actor"):
            armed = any(t in cameo.ARMED_TYPES for t in types)
            kind = "ArmedGroup" if armed else "Organization" if group or types else "Actor"
            out.append(f"{node} {_TYPE} {_gk(kind)}")
            out.append(f"{node} {_LABEL} {text_literal(name)}")
            out.append(f"{node} {_gk('cameoActorCode')} {text_literal(code)}")
            if home:
                out.append(f"{node} {_gk('actorCountry')} {home}")
        return node

    def place(self, values, prefix: str, out: list[str]) -> str | None:
        """The place of one geo block, named by its full name; its country code is FIPS 10-4, kept as such."""
        v = lambda name: self._value(values, f"{prefix}Geo_{name}")  # noqa: E731
        name = v("FullName")
        if not name or v("Type") in ("", "0"):
            return None
        node = f"<{self.ids.actor(name)}>"
        # A country's place is its state's node: described once as each.
        if self._once(node + " place"):
            out.append(f"{node} {_TYPE} {_gk('Place')}")
            out.append(f"{node} {_LABEL} {text_literal(name)}")
            if v("CountryCode"):
                out.append(f"{node} {_gk('fipsCountryCode')} {text_literal(v('CountryCode'))}")
            if v("Lat") and v("Long"):
                lat = _number(v("Lat"), f"{prefix}Geo_Lat")
                long = _number(v("Long"), f"{prefix}Geo_Long")
                out.append(f"{node} {_LAT} {_typed(lat, 'decimal')}")
                out.append(f"{node} {_LONG} {_typed(long, 'decimal')}")
        return node

    def article(self, identifier: str, web: bool, out: list[str]) -> str:
        """The article a source URL or mention identifier names: a web address becomes its schema:url, other
        identifiers (a citation, a DTIC or JSTOR id) its label."""
        web = web and identifier.startswith(("http://", "https://")) and iri_problem(identifier) is None
        node = f"<{self.ids.article(('web-' if web else 'ref-') + _digest(identifier))}>"
        if self._once(node + " article"):
            out.append(f"{node} {_TYPE} {_gk('Article')}")
            out.append(f"{node} {_URL} <{identifier}>" if web else f"{node} {_LABEL} {text_literal(identifier)}")
        return node

    def mention(self, values: list[str]) -> list[str]:
        v = lambda name: self._value(values, name)  # noqa: E731
        event = self._event_iri(values)
        mention_type = v("MentionType")
        if not _DIGITS.fullmatch(mention_type):
            raise FieldError("MentionType", f"{mention_type!r} is not a mention type (1 to 6)")
        identifier = v("MentionIdentifier")
        if not identifier:
            raise FieldError("MentionIdentifier", "no identifier of the mentioning document")
        confidence = v("Confidence")
        if not _DIGITS.fullmatch(confidence) or int(confidence) > 100:
            raise FieldError("Confidence", f"{confidence!r} is not a confidence (0 to 100)")
        stamp = _STAMP.fullmatch(v("MentionTimeDate"))
        if not stamp:
            raise FieldError("MentionTimeDate", f"{v('MentionTimeDate')!r} is not a time (YYYYMMDDHHMMSS)")
        sentence = v("SentenceID")
        if sentence and not _DIGITS.fullmatch(sentence):
            raise FieldError("SentenceID", f"{sentence!r} is not a sentence number")
        out: list[str] = []
        article = self.article(identifier, mention_type == str(_WEB), out)
        if v("MentionSourceName") and self._once(article + " publisher"):
            out.append(f"{article} {_PUBLISHER} {text_literal(v('MentionSourceName'))}")
        event_id = event[event.rindex("/") + 1:-1]
        mention = f"<{self.ids.base}/id/mention/gdelt/{event_id}/{article[article.rindex('/') + 1:-1]}-{sentence or 0}>"
        y, mo, d, h, mi, s = stamp.groups()
        out += [
            f"{mention} {_TYPE} {_gk('Mention')}",
            f"{mention} {_gk('mentionOf')} {event}",
            f"{mention} {_gk('statedIn')} {article}",
            f"{mention} {_gk('confidence')} {_typed(str(int(confidence) / 100), 'decimal')}",
            f"{mention} {_GENERATED} {_typed(f'{y}-{mo}-{d}T{h}:{mi}:{s}Z', 'dateTime')}",
            f"{event} {_gk('statedIn')} {article}",
        ]
        if sentence:
            out.append(f"{mention} {_gk('sentenceNumber')} {_typed(sentence, 'integer')}")
        return out


def file_graph(ids: Ids, name: str) -> str:
    """The graph of one GDELT file, named by the file (a zipped copy shares its export's graph), so that
    loading the file again replaces it."""
    stem = name[:-4] if name.lower().endswith(".zip") else name
    return str(ids.graph("gdelt-" + slug(stem)))
