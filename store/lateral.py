"""Queries written with LATERAL, rewritten for stores that do not parse it (Virtuoso 7), keeping their answers.

``P LATERAL { X }`` evaluates X once for each solution of P, with P's values written into X. Reading it
on the tokens of ``sparqllex`` (never with a regular expression over the text):

- **Dropped keyword.** When every variable X shares with P is certainly bound by X itself (by a triple
  pattern at its top level, or projected by a subquery that binds it so), and X holds no LIMIT or
  OFFSET (nor, for a grouped subquery, groups on anything but those shared variables), evaluating X
  once and joining it to P on those variables gives the same solutions: ``P { X }``.
- **Hoisted OPTIONAL.** ``LATERAL { OPTIONAL { B } ... }`` (only OPTIONALs inside) is ``P OPTIONAL { B } ...``
  under the same condition on each B; a plain join would drop P's rows that B does not match.
- **Unrolled VALUES.** ``VALUES ?v { r1 r2 } LATERAL { X }`` with a LIMIT or OFFSET in X (the first N
  of something, per value) becomes ``{ VALUES ?v { r1 } X[r1] } UNION { VALUES ?v { r2 } X[r2] }``: each
  row's values written into its own copy of X, which is what LATERAL does.

Anything else is refused with one line saying where and why: the query needs a store with LATERAL.
"""

from geokg.loaders.errors import StoreError
from geokg.store.sparqllex import tokenize

_GUARDED = frozenset(("OPTIONAL", "MINUS", "EXISTS", "SERVICE"))
_TERM_TAIL = frozenset(("LANGTAG",))


class LateralRefused(StoreError):
    def __init__(self, where: str, token, text: str, reason: str):
        line = text.count("\n", 0, token.offset) + 1
        column = token.offset - text.rfind("\n", 0, token.offset)
        super().__init__(f"{where} does not parse LATERAL (Virtuoso 7), and the LATERAL at line {line}, column "
                         f"{column} cannot be written without it: {reason}", status=400, title="Not supported by the store")


def without_lateral(text: str, where: str = "the SPARQL store") -> str:
    """``text`` with each LATERAL written in plain SPARQL 1.1, or LateralRefused."""
    tokens = tokenize(text)
    if not any(t.kind == "KEYWORD" and t.value == "LATERAL" for t in tokens):
        return text
    closing = _matches(tokens)
    edits = []
    for i, token in enumerate(tokens):
        if token.kind == "KEYWORD" and token.value == "LATERAL":
            edits.extend(_edit(text, tokens, closing, i, where))
    edits.sort()
    out, last = [], 0
    for start, end, replacement in edits:
        if start < last:
            raise LateralRefused(where, tokens[0], text, "two LATERALs overlap in a way this rewrite does not follow")
        out.append(text[last:start])
        out.append(replacement)
        last = end
    out.append(text[last:])
    return "".join(out)


def _matches(tokens) -> dict[int, int]:
    stack, closing = [], {}
    for i, t in enumerate(tokens):
        if t.kind == "PUNCT" and t.text in ("{", "(", "["):
            stack.append(i)
        elif t.kind == "PUNCT" and t.text in ("}", ")", "]"):
            closing[stack.pop()] = i
    return closing


def _edit(text, tokens, closing, i, where):
    """The (start, end, replacement) edits for the LATERAL at token i."""
    opening = i + 1
    if opening >= len(tokens) or tokens[opening].text != "{":
        raise LateralRefused(where, tokens[i], text, "LATERAL must be followed by a group")
    end = closing[opening]
    enclosing = _enclosing(tokens, closing, i)
    left = _variables(tokens, enclosing + 1, i)
    keyword = (tokens[i].offset, tokens[opening].offset, "")
    reason = _joinable(tokens, closing, opening, end, left)
    if reason is None:
        return [keyword]
    optionals = _only_optionals(tokens, closing, opening, end)
    if optionals:
        reasons = [_joinable(tokens, closing, o, closing[o], left) for o in optionals]
        if all(r is None for r in reasons):
            # Keep the OPTIONALs, drop LATERAL and the group's own braces around them.
            return [(tokens[i].offset, tokens[opening].end, ""), (tokens[end].offset, tokens[end].end, "")]
        reason = next(r for r in reasons if r is not None)
    unrolled = _unrolled(text, tokens, closing, enclosing, i, opening, end)
    if unrolled is not None:
        return [unrolled]
    raise LateralRefused(where, tokens[i], text, reason)


def _enclosing(tokens, closing, i) -> int:
    depth = tokens[i].depth
    for k in range(i - 1, -1, -1):
        if tokens[k].text == "{" and tokens[k].depth == depth - 1 and closing.get(k, -1) > i:
            return k
    return -1


def _variables(tokens, start, stop) -> set[str]:
    return {t.text[1:] for t in tokens[start:stop] if t.kind in ("VAR1", "VAR2")}


def _joinable(tokens, closing, opening, end, left) -> str | None:
    """None when the group at ``opening`` may be joined plainly to what binds ``left``, else why not."""
    inner = range(opening + 1, end)
    for k in inner:
        if tokens[k].kind == "KEYWORD" and tokens[k].value in ("LIMIT", "OFFSET"):
            return f"its group holds {tokens[k].value} {tokens[k + 1].text}, which LATERAL applies per row"
    if tokens[opening + 1].kind == "KEYWORD" and tokens[opening + 1].value == "SELECT":
        projected, certain, grouped = _subquery(tokens, closing, opening + 1, end)
        shared = left & projected
        if grouped is not None and not shared <= grouped:
            return f"its subquery groups by more than the shared {_names(shared)}"
    else:
        shared = left & _variables(tokens, opening + 1, end)
        certain = _certain(tokens, closing, opening, end)
    loose = shared - certain
    if loose:
        return f"{_names(loose)} may be unbound in it, where LATERAL would have written the value in"
    return None


def _names(variables) -> str:
    return ", ".join(f"?{v}" for v in sorted(variables)) or "none"


def _subquery(tokens, closing, select, end):
    """A subquery's projected variables, those of them certainly bound, and its GROUP BY variables (None
    when it does not group)."""
    depth = tokens[select].depth
    k = select + 1
    projected, star = set(), False
    while k < end and not (tokens[k].text == "{" or (tokens[k].kind == "KEYWORD" and tokens[k].value == "WHERE")):
        t = tokens[k]
        if t.kind in ("VAR1", "VAR2") and (t.depth == depth or tokens[k - 1].value == "AS"):
            projected.add(t.text[1:])
        star = star or (t.text == "*" and t.depth == depth)
        k += 1
    while tokens[k].text != "{":
        k += 1
    where_end = closing[k]
    certain = _certain(tokens, closing, k, where_end)
    if star:
        projected = _variables(tokens, k + 1, where_end)
    grouped = None
    for g in range(where_end + 1, end):
        if tokens[g].kind == "KEYWORD" and tokens[g].value == "GROUP" and tokens[g].depth == depth:
            grouped = {tokens[m].text[1:] for m in range(g + 2, end) if tokens[m].kind in ("VAR1", "VAR2")
                       and tokens[m].depth == depth and tokens[m - 1].value != "AS"}
            break
    if grouped is None and any(t.kind == "KEYWORD" and t.value in ("COUNT", "SUM", "MIN", "MAX", "AVG", "SAMPLE",
                                                                   "GROUP_CONCAT")
                               and t.depth <= depth + 1 for t in tokens[select:k]):
        grouped = set()
    return projected, certain & projected, grouped


def _certain(tokens, closing, opening, end) -> set[str]:
    """The variables every solution of the group at ``opening`` binds: those of its top-level triple
    patterns and GRAPH names, and of nested plain groups (in a UNION, those all branches bind)."""
    depth = tokens[opening].depth + 1
    certain: set[str] = set()
    k = opening + 1
    while k < end:
        t = tokens[k]
        prev = tokens[k - 1]
        if t.kind in ("VAR1", "VAR2") and t.depth == depth and not (prev.kind == "KEYWORD" and prev.value == "VALUES"):
            certain.add(t.text[1:])
        elif t.text == "{" and t.kind == "PUNCT":
            stop = closing[k]
            guarded = prev.kind == "KEYWORD" and prev.value in _GUARDED or _after_service(tokens, k)
            if _is_data(tokens, k) or guarded:
                k = stop + 1
                continue
            branches = [_group_certain(tokens, closing, k)]
            while stop + 1 < end and tokens[stop + 1].kind == "KEYWORD" and tokens[stop + 1].value == "UNION":
                k = stop + 2
                stop = closing[k]
                branches.append(_group_certain(tokens, closing, k))
            certain |= set.intersection(*branches)
            k = stop + 1
            continue
        elif t.text in ("(", "[") and t.kind == "PUNCT":
            k = closing[k] + 1
            continue
        k += 1
    return certain


def _group_certain(tokens, closing, opening) -> set[str]:
    if tokens[opening + 1].kind == "KEYWORD" and tokens[opening + 1].value == "SELECT":
        return _subquery(tokens, closing, opening + 1, closing[opening])[1]
    return _certain(tokens, closing, opening, closing[opening])


def _after_service(tokens, k) -> bool:
    return any(t.kind == "KEYWORD" and t.value == "SERVICE" for t in tokens[max(0, k - 3):k])


def _is_data(tokens, k) -> bool:
    # A VALUES data block: VALUES ?v { ... } or VALUES ( ... ) { ... }.
    back = k - 1
    if tokens[back].text == ")" or tokens[back].kind == "NIL":
        while back > 0 and tokens[back].text != "(" and tokens[back].kind != "NIL":
            back -= 1
    elif tokens[back].kind in ("VAR1", "VAR2"):
        pass
    else:
        return False
    return tokens[back - 1].kind == "KEYWORD" and tokens[back - 1].value == "VALUES"


def _only_optionals(tokens, closing, opening, end) -> list[int]:
    """The openings of the OPTIONAL groups when the group holds nothing else at its top level."""
    found, k = [], opening + 1
    while k < end:
        if not (tokens[k].kind == "KEYWORD" and tokens[k].value == "OPTIONAL" and tokens[k + 1].text == "{"):
            return []
        found.append(k + 1)
        k = closing[k + 1] + 1
        if k < end and tokens[k].text == ".":
            k += 1
    return found


def _unrolled(text, tokens, closing, enclosing, i, opening, end):
    """``VALUES ... { rows } LATERAL { X }`` as a UNION of one copy of X per row, when the VALUES block is
    all that comes before the LATERAL in its group; else None."""
    start = enclosing + 1
    if not (tokens[start].kind == "KEYWORD" and tokens[start].value == "VALUES"):
        return None
    k = start + 1
    if tokens[k].kind in ("VAR1", "VAR2"):
        names, block = [tokens[k].text[1:]], k + 1
    elif tokens[k].text == "(":
        names = [t.text[1:] for t in tokens[k + 1:closing[k]]]
        block = closing[k] + 1
    else:
        return None
    if tokens[block].text != "{" or closing[block] + 1 != i:
        return None
    rows = _rows(tokens, closing, block, len(names) > 1 or tokens[start + 1].text == "(")
    if rows is None or not rows:
        return None
    inner = text[tokens[opening].offset:tokens[end].end]
    header = "(" + " ".join(f"?{n}" for n in names) + ")"
    branches = []
    projected = set()
    if tokens[opening + 1].kind == "KEYWORD" and tokens[opening + 1].value == "SELECT":
        projected = _subquery(tokens, closing, opening + 1, end)[0]
    for row in rows:
        terms = {n: term for n, term in zip(names, row) if term != "UNDEF"}
        if set(terms) == set(names) and set(names) <= projected:
            # The copy projects each value itself ((term AS ?v)): no VALUES row is needed to join it.
            branches.append(f"{{ {_written_in(inner, terms)} }}")
            continue
        values = " ".join(row)
        branches.append(f"{{ VALUES {header} {{ ({values}) }} {_written_in(inner, terms)} }}")
    return tokens[start].offset, tokens[end].end, " UNION ".join(branches)


def _rows(tokens, closing, block, parenthesised):
    rows, k, stop = [], block + 1, closing[block]
    while k < stop:
        if parenthesised:
            if tokens[k].kind == "NIL":
                rows.append([])
                k += 1
                continue
            row_end = closing[k]
            row, j = [], k + 1
            while j < row_end:
                term, j = _term(tokens, j)
                row.append(term)
            rows.append(row)
            k = row_end + 1
        else:
            term, k = _term(tokens, k)
            rows.append([term])
    return rows


def _term(tokens, k):
    """One RDF term of a VALUES row as written (a literal with its language tag or datatype), and where the
    next starts."""
    text = tokens[k].text
    k += 1
    if k < len(tokens) and tokens[k].kind in _TERM_TAIL:
        text += tokens[k].text
        k += 1
    elif k < len(tokens) and tokens[k].text == "^^":
        text += "^^" + tokens[k + 1].text
        k += 2
    return text, k


def _written_in(group: str, terms: dict) -> str:
    from geokg.store.remote import substitute_terms

    return substitute_terms(group, terms)
